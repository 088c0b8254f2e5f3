// The example's API: an HTTP service that needs PostgreSQL (through psql, to keep the
// example free of drivers) and Redis (raw RESP over TCP).
import { execFile } from "node:child_process";
import http from "node:http";
import net from "node:net";

const port = Number(process.env.API_PORT);
const redisPort = Number(process.env.REDIS_PORT);

function redis(command) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port: redisPort }, () => socket.write(`${command}\r\n`));
    socket.setTimeout(1000, () => socket.destroy(new Error("redis timeout")));
    socket.once("data", (data) => {
      socket.end();
      resolve(data.toString().trim());
    });
    socket.once("error", reject);
  });
}

function query(sql) {
  return new Promise((resolve, reject) => {
    execFile(new URL("./bin/pg.sh", import.meta.url).pathname, ["psql", "-At", "-c", sql], (error, stdout) => (error ? reject(error) : resolve(stdout.trim())));
  });
}

http
  .createServer(async (req, res) => {
    try {
      if (req.url === "/health") {
        const [pong, one] = await Promise.all([redis("PING"), query("SELECT 1")]);
        res.writeHead(pong === "+PONG" && one === "1" ? 200 : 503).end("ok");
      } else if (req.url === "/products") {
        const cached = await redis("GET products");
        const rows = cached.startsWith("$-1") ? await query("SELECT name FROM products ORDER BY id") : cached.split("\r\n")[1];
        if (cached.startsWith("$-1")) await redis(`SET products "${rows.replace(/\n/g, ",")}"`);
        res.writeHead(200, { "content-type": "text/plain" }).end(`${rows.replace(/\n/g, ",")}\n`);
      } else res.writeHead(404).end();
    } catch (error) {
      res.writeHead(503).end(String(error));
    }
  })
  .listen(port, "127.0.0.1", () => console.log(`api listening on 127.0.0.1:${port}`));
process.on("SIGTERM", () => process.exit(0));
