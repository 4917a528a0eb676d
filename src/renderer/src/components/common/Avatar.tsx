/** A coloured initial, the same colour for the same username everywhere. */
function hue(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}

export function Avatar({ username, size = 'md' }: { username: string; size?: 'sm' | 'md' | 'lg' }) {
  return (
    <span className={`avatar avatar-${size}`} style={{ background: `hsl(${hue(username)} 55% 48%)` }} aria-hidden="true">
      {username.slice(0, 1).toUpperCase()}
    </span>
  );
}
