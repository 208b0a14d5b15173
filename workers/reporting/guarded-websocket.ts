let guarded: typeof WebSocket | undefined;

/**
 * The runtime's WebSocket, except that a `send` after the socket closed is dropped instead of
 * thrown. The Neon driver joins the messages written in one tick into one frame and sends it
 * from a timer (`coalesceWrites`, worth 15–20 % of the reporting flush, README step 39); when
 * the connection closed in between (the database dropped it, or `end()` closed it right after
 * writing its last message) that timer's `send` throws "Can't call WebSocket send() after
 * close()" where no one can catch it (upstream neondatabase/serverless #10). A closed socket
 * delivers nothing either way: the driver has already heard the close, and the query it
 * belonged to fails and is retried (the consumer's batch), so dropping the frame loses nothing.
 * Made on first use: the module is also imported where there is no global WebSocket (Node 20).
 */
export function guardedWebSocket(): typeof WebSocket {
  guarded ??= class GuardedWebSocket extends WebSocket {
    override send(message: string | ArrayBuffer | ArrayBufferView): void {
      if (this.readyState === WebSocket.CLOSING || this.readyState === WebSocket.CLOSED) return;
      super.send(message);
    }
  };
  return guarded;
}
