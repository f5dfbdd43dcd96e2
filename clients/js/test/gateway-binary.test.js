// gateway.test.js again with binary protobuf frames: the same games, resume, errors, arena and feed.
process.env.ROOMGATE_ENCODING = 'binary';
await import('./gateway.test.js');
