// Preloaded into a peer project's Node.js process (node -r) by the benchmarks: a server told only a
// port listens on 127.0.0.1 rather than on every interface.
'use strict';
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if ((typeof args[0] === 'number' || typeof args[0] === 'string') && typeof args[1] !== 'string') {
    if (args.length > 1 && args[1] === undefined) {
      args[1] = '127.0.0.1'; // listen(port, undefined, backlog, callback)
    } else {
      args.splice(1, 0, '127.0.0.1'); // listen(port) or listen(port, callback)
    }
  } else if (args[0] !== null && typeof args[0] === 'object' && args[0].host === undefined && args[0].path === undefined) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
