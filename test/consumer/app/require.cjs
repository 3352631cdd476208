// CommonJS consumer: require() of our ES modules (Node >= 20.19 or >= 22.12). Each argument is
// one entry; prints "<entry> <number of exports>" and fails on the first that does not load.
for (const spec of process.argv.slice(2)) {
  const mod = require(spec);
  const keys = Object.keys(mod).filter((k) => k !== 'default' && k !== '__esModule');
  if (keys.length === 0 && typeof mod !== 'object') throw new Error(`${spec}: nothing exported`);
  console.log(spec, keys.length);
}
