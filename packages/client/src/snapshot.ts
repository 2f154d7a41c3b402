/**
 * A deep copy of an event as JSON carries it. The client serialises an event only when its
 * batch is sent, so the integrations, which log objects the app keeps using (a chat loop
 * pushes the answer onto the same `messages` array), log a copy taken at the call. What
 * JSON cannot carry is left as it is: the client reports it when it sends.
 */
export const snapshot = <T extends object>(event: T): T => {
  try {
    return JSON.parse(JSON.stringify(event)) as T;
  } catch {
    return event;
  }
};
