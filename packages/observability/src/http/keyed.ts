/**
 * Property names for reading Express's request and response objects through keyed loads.
 *
 * Express re-prototypes every request and response (`Object.setPrototypeOf`) and then adds
 * properties, which gives each of them a hidden class (map) of its own. A named read such as
 * `req.url` then misses V8's inline cache on every request: the megamorphic stub cache has
 * never seen the map, so the load goes to the runtime (about 1,100 instructions under
 * callgrind). A keyed read with a name that is not a literal in the source (`req[URL]`)
 * compiles to a keyed load, whose megamorphic builtin looks the name up in the object's own
 * descriptors (and its prototypes) without the runtime: about 100 instructions. Measured
 * with `valgrind --tool=callgrind` on objects built the way Express builds them, 5 reads per
 * object: 5,900 instructions named, 400 keyed.
 *
 * Keep these as variables: writing `req['url']` or `req.url` turns the read back into a
 * named load.
 */
export const METHOD = 'method' as const;
export const URL_ = 'url' as const;
export const HEADERS = 'headers' as const;
export const ROUTE = 'route' as const;
export const BASE_URL = 'baseUrl' as const;
export const STATUS_CODE = 'statusCode' as const;
export const HEADERS_SENT = 'headersSent' as const;
export const WRITABLE_ENDED = 'writableEnded' as const;
export const SET_HEADER = 'setHeader' as const;
