// The example's smoke test: the API answers, reads the migrated data, and caches it.
const base = `http://127.0.0.1:${process.env.API_PORT}`;
const health = await fetch(`${base}/health`);
if (!health.ok) throw new Error(`/health answered ${health.status}`);
for (const round of ["from postgres", "from redis"]) {
  const body = (await (await fetch(`${base}/products`)).text()).trim();
  if (body !== "coffee,tea,cake") throw new Error(`/products (${round}) answered ${JSON.stringify(body)}`);
  console.log(`/products ${round}: ${body}`);
}
