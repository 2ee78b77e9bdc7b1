// The seeded, exactly resumable batch iterator is @gen/core's, so @gen/data and @gen/train share
// one seeding rule (documented on `batches` there); @gen/data keeps exporting it under its names.
export { BatchIterator, type BatchOptions, type BatchPosition, batches } from '@gen/core';
