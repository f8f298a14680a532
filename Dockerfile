# The gateway's image: one image, the command picks the process (see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci
COPY . .
RUN npm run build
USER node
CMD ["node", "bin/datakluis.cjs", "serve", "all"]
