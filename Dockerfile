# syntax=docker/dockerfile:1
# Build a static kincare binary, then ship it alone on distroless as a
# non-root user. Data for the embedded mode lives in the /data volume;
# production sets MONGODB_URI and REDIS_URL instead (see README).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/kincare ./cmd/kincare \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kincare /usr/local/bin/kincare
COPY --from=build --chown=65532:65532 /out/data /data
ENV HTTP_ADDR=:8080 DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
# The image has no shell or curl; the binary probes itself.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/kincare", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/kincare"]
