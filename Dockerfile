# state-audit as a container image: built in a Debian 12 image with the LLVM/Clang 19
# development packages, run from debian:bookworm-slim with the runtime libraries only.
#
#   docker build -t state-audit:0.2.0 .
#   docker run --rm -v "$PWD:/src" -w /src state-audit:0.2.0 scan src -p build
#
# The scanned project's compile database must name paths as they are inside the container
# (mount the checkout at the path it was configured in, or configure inside the container).
FROM debian:bookworm-slim AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      cmake ninja-build g++ pkg-config dpkg-dev file ca-certificates \
      llvm-19-dev libclang-19-dev clang-19 libcli11-dev \
 && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cmake -S /src -B /build -G Ninja -DBUILD_TESTING=OFF -DSTATE_AUDIT_PCH=OFF \
 && cmake --build /build --target state-audit \
 && cd /build && cpack -G DEB -B /build/package

FROM debian:bookworm-slim
# The package's dependencies are what the program needs at run time: the LLVM/Clang 19
# shared libraries, Clang's built-in headers, and the C++ standard library headers that the
# scanned code includes.
COPY --from=build /build/package/state-audit_*_amd64.deb /tmp/
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      /tmp/state-audit_*_amd64.deb git \
 && rm -rf /var/lib/apt/lists/* /tmp/*.deb
ENTRYPOINT ["state-audit"]
CMD ["--help"]
