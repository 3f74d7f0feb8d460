# The sot container image, for GitLab CI and any other runner that takes an image:
#
#   docker build -t sot --build-arg SOT_BUILD_COMMIT=$(git rev-parse HEAD) .
#   docker run --rm -v "$PWD:/repo" -w /repo sot sot check
#
# Stage 1 builds a static binary (musl); stage 2 is Alpine with that one file, run as an
# unprivileged user. Alpine rather than an empty image: CI systems (GitLab among them) run a
# job's script with the image's shell.

FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
# There is no .git in the build context: the commit for `sot --version` comes from here.
ARG SOT_BUILD_COMMIT=unknown
ENV SOT_BUILD_COMMIT=${SOT_BUILD_COMMIT}
RUN cargo build --release --locked --bin sot \
 && install -D -m 0755 target/release/sot /out/sot \
 && mkdir -p /out/man && cp docs/man/*.1 /out/man/

FROM alpine:3.22
# Checkouts mounted into a container belong to another user, and git (libgit2, as sot uses
# it) refuses those unless trusted: the image exists to read such checkouts, so it trusts all.
RUN printf '[safe]\n\tdirectory = *\n' > /etc/gitconfig \
 && adduser -D -H -u 10001 -s /sbin/nologin sot
COPY --from=build /out/sot /usr/local/bin/sot
COPY --from=build /out/man/ /usr/local/share/man/man1/
USER 10001:10001
WORKDIR /repo
CMD ["sot", "check"]
