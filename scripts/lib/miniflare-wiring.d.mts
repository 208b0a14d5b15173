export interface DurableObjectBinding {
  name: string;
  class_name: string;
}
export interface QueueProducer {
  binding: string;
  queue: string;
}
export interface QueueConsumer {
  queue: string;
  max_batch_size?: number;
  max_batch_timeout?: number;
  max_retries?: number;
  dead_letter_queue?: string;
}
export function durableObjectsOf(bindings: DurableObjectBinding[]): Record<string, { className: string; useSQLite: true }>;
export function queueProducersOf(producers: QueueProducer[]): Record<string, { queueName: string }>;
export function queueConsumersOf(
  consumers: QueueConsumer[],
): Record<string, { maxBatchSize?: number; maxBatchTimeout?: number; maxRetries?: number; deadLetterQueue?: string }>;
