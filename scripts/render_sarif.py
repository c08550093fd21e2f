#!/usr/bin/env python3
"""Renders SARIF results the way GitHub code scanning shows an alert: the rule and level, the
message with its embedded links resolved to the related locations, the source line, and the
code flow ("Show paths") step by step with each step's source line. Markdown or HTML.

  render_sarif.py REPORT.sarif [--root DIR] [--rule RULE] [--max N] [--html] [-o FILE]
"""
import argparse, html, json, os, re, sys

LINK = re.compile(r'(?<!\\)\[((?:[^\]\\]|\\.)*)\]\((\d+)\)')


def unescape(text):
    return re.sub(r'\\([\[\]\\])', r'\1', text)


def source_line(root, uri, line):
    path = os.path.join(root, uri.replace('%20', ' '))
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            for n, text in enumerate(f, 1):
                if n == line:
                    return text.rstrip('\n')
    except OSError:
        pass
    return ''


def where(loc):
    p = loc['physicalLocation']
    return p['artifactLocation']['uri'], p['region']['startLine'], p['region'].get('startColumn', 1)


def render(result, rules, root, as_html):
    rule = rules.get(result['ruleId'], {})
    related = {r['id']: r for r in result.get('relatedLocations', [])}
    uri, line, col = where(result['locations'][0])

    def link(m):
        target = related.get(int(m.group(2)))
        text = unescape(m.group(1))
        if not target:
            return text
        u, l, _ = where(target)
        return (f'<a href="{html.escape(u)}#L{l}">{html.escape(text)}</a>' if as_html
                else f'[{text}]({u}#L{l})')

    message = result['message']['text']
    if as_html:
        parts, last = [], 0
        for m in LINK.finditer(message):
            parts.append(html.escape(unescape(message[last:m.start()])))
            parts.append(link(m))
            last = m.end()
        parts.append(html.escape(unescape(message[last:])))
        message = ''.join(parts)
    else:
        message = LINK.sub(link, message)
        message = unescape(message)
    out = []
    title = f"{rule.get('name', result['ruleId'])} ({result['ruleId']})"
    steps = []
    for flow in result.get('codeFlows', []):
        for tf in flow['threadFlows']:
            for step in tf['locations']:
                u, l, c = where(step['location'])
                steps.append((u, l, c, unescape(step['location'].get('message', {}).get('text', ''))))
    code = source_line(root, uri, line)
    if as_html:
        out.append(f'<div class="alert"><h3>{html.escape(title)} '
                   f'<span class="level {result["level"]}">{result["level"]}</span></h3>')
        out.append(f'<p class="where">{html.escape(uri)}:{line}</p>')
        if code:
            out.append(f'<pre class="code"><span class="ln">{line}</span> {html.escape(code)}</pre>')
        out.append(f'<p class="message">{message}</p>')
        if steps:
            out.append(f'<details open><summary>Show paths ({len(steps)} steps)</summary><ol>')
            for u, l, c, m in steps:
                src = source_line(root, u, l)
                out.append(f'<li><b>{html.escape(m)}</b><br><code>{html.escape(u)}:{l}</code>'
                           f'<pre class="code"><span class="ln">{l}</span> {html.escape(src)}</pre></li>')
            out.append('</ol></details>')
        if rule.get('helpUri'):
            out.append(f'<p><a href="{rule["helpUri"]}">Rule help</a></p>')
        out.append('</div>')
    else:
        out.append(f'### {title} — {result["level"]}\n')
        out.append(f'`{uri}:{line}`\n')
        if code:
            out.append(f'```cpp\n{line:>4} | {code}\n```\n')
        out.append(f'{message}\n')
        if steps:
            out.append(f'**Show paths** ({len(steps)} steps):\n')
            for n, (u, l, c, m) in enumerate(steps, 1):
                src = source_line(root, u, l).strip()
                out.append(f'{n}. {m} — `{u}:{l}`' + (f'\n   ```cpp\n   {src}\n   ```' if src else ''))
            out.append('')
        if rule.get('helpUri'):
            out.append(f'Rule help: {rule["helpUri"]}\n')
    return '\n'.join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('sarif')
    ap.add_argument('--root', default='.')
    ap.add_argument('--rule', action='append')
    ap.add_argument('--max', type=int, default=3)
    ap.add_argument('--html', action='store_true')
    ap.add_argument('-o', '--output')
    a = ap.parse_args()
    log = json.load(open(a.sarif))
    run = log['runs'][0]
    rules = {r['id']: r for r in run['tool']['driver']['rules']}
    results = [r for r in run['results'] if not a.rule or r['ruleId'] in a.rule][:a.max]
    body = '\n'.join(render(r, rules, a.root, a.html) for r in results)
    if a.html:
        body = ('<!doctype html><meta charset="utf-8"><title>state-audit alerts</title><style>'
                'body{font-family:sans-serif;max-width:60em;margin:auto}.alert{border:1px solid #ccc;'
                'border-radius:6px;padding:1em;margin:1em 0}.level{font-size:70%;padding:2px 6px;'
                'border-radius:4px;background:#eee}.level.error{background:#fdd}.code{background:#f6f8fa;'
                'padding:4px}.ln{color:#888}</style>' + body)
    if a.output:
        with open(a.output, 'w') as f:
            f.write(body + '\n')
    else:
        sys.stdout.write(body + '\n')


if __name__ == '__main__':
    main()
