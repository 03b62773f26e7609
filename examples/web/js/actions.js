// What a view does when the user acts on something another module owns (open a conversation,
// select a session, retry a send). `app.js` fills it in at start, so the views do not import
// each other in a circle.

export const actions = {
  /** Opens the conversation `id` with the title `title`. */
  openConversation: (id, title) => {},
  /** Shows the session `name` (its state, conversations and events). */
  selectSession: (name) => {},
  /** Sends a failed message again, as a new message. */
  retry: (message) => {},
  /**
   * A send of this page failed after it was queued (the backend answers 202 at once; the outbox
   * pushes the outcome): says why.
   */
  sendFailed: (message) => {},
};
