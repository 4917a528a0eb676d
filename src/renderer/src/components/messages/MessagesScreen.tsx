import { useEffect } from 'react';
import { useMessages } from '../../store/messages';
import { ConversationList } from './ConversationList';
import { Thread } from './Thread';

/** Conversations on the left, the open thread on the right. Leaving the screen stops reading. */
export function MessagesScreen() {
  const active = useMessages((s) => s.active);
  useEffect(() => () => useMessages.getState().close(), []);
  return (
    <section className="panel column-panel messages" aria-label="Messages">
      <ConversationList />
      {active ? (
        <Thread other={active} />
      ) : (
        <div className="thread thread-empty">
          <p className="muted">Pick a conversation, or start one with a username.</p>
        </div>
      )}
    </section>
  );
}
