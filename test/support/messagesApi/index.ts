export { startMessagesApi, fakeTokens } from './server';
export type { MessagesApi, MessagesBody, RecordedRequest, MessageHandler, CountHandler } from './server';
export { reply } from './replies';
export type { Reply, MessageReply, ErrorReply, ContentSpec, WireUsage } from './replies';
