/**
 * The request deadline: the handler runs with an AbortSignal that fires when the time is up (reading
 * the body stops there), and the request is answered with the deadline's error at that moment. Work
 * that cannot be interrupted (resolving a recipe) runs on; a response it produces too late is
 * discarded, its streamed body cancelled.
 */

export async function withDeadline(run: (signal: AbortSignal) => Response | Promise<Response>, ms: number, expiredError: () => Error): Promise<Response> {
  const deadline = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      deadline.abort(expiredError());
      reject(deadline.signal.reason);
    }, ms);
  });
  const work = Promise.resolve().then(() => run(deadline.signal));
  try {
    return await Promise.race([work, expired]);
  } catch (err) {
    if (deadline.signal.aborted) {
      work.then(
        (late) => void late.body?.cancel().catch(() => {}),
        () => {},
      );
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
