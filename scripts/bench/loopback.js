// Preloaded into a peer project's Node.js process (node -r) by the benchmarks: a server told to
// listen on every interface, or given only a port, listens on 127.0.0.1 instead.
'use strict';
const net = require('net');
const everywhere = (host) => host === undefined || host === null || host === '' || host === '0.0.0.0' || host === '::';
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || typeof args[0] === 'string') {
    if (typeof args[1] === 'string' || args[1] === undefined || args[1] === null) {
      if (args.length === 1 || everywhere(args[1])) {
        args[1] = '127.0.0.1'; // listen(port), listen(port, host, ...) or listen(port, undefined, backlog, callback)
      }
    } else {
      args.splice(1, 0, '127.0.0.1'); // listen(port, callback)
    }
  } else if (args[0] !== null && typeof args[0] === 'object' && args[0].path === undefined && everywhere(args[0].host)) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
