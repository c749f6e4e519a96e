# ferbench in a container: slim Node, production dependencies only, nothing fetched at run time.
#   docker build -t ferbench .
#   docker run --rm -v "$PWD:/work" -w /work ferbench eval --model m.onnx --dataset fer2013 --data fer2013.csv --split PrivateTest
# CPU only: onnxruntime-node's CUDA download stays skipped (see .npmrc and docs/runners.md for GPU).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
ENTRYPOINT ["node", "/app/bin/run.js"]
CMD ["--help"]
