// Miniflare's options for the Durable Objects and queues a wrangler config declares: one
// mapping for the runtime the bench and crash test start (wrangler.toml, read by wrangler)
// and for the test kit integrators use (the wrangler.json `npm run build` writes).

/** Every object is SQLite-backed, as wrangler.toml's migrations declare them. */
export function durableObjectsOf(bindings) {
  return Object.fromEntries(bindings.map(({ name, class_name }) => [name, { className: class_name, useSQLite: true }]));
}

export function queueProducersOf(producers) {
  return Object.fromEntries(producers.map(({ binding, queue }) => [binding, { queueName: queue }]));
}

/** A setting the config leaves out stays out, so Miniflare applies its own default. */
export function queueConsumersOf(consumers) {
  return Object.fromEntries(
    consumers.map((consumer) => [
      consumer.queue,
      {
        ...(consumer.max_batch_size !== undefined ? { maxBatchSize: consumer.max_batch_size } : {}),
        ...(consumer.max_batch_timeout !== undefined ? { maxBatchTimeout: consumer.max_batch_timeout } : {}),
        ...(consumer.max_retries !== undefined ? { maxRetries: consumer.max_retries } : {}),
        ...(consumer.dead_letter_queue ? { deadLetterQueue: consumer.dead_letter_queue } : {}),
      },
    ]),
  );
}
