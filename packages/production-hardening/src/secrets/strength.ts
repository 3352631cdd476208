/** Options of {@link validateSecretStrength}. */
export interface StrengthOptions {
  /** Below this length the score is capped at 40. Default 12. */
  minLength?: number;
  /** `acceptable` is `score >= minScore`. Default 60. */
  minScore?: number;
}

export interface StrengthResult {
  /** 0–100. */
  score: number;
  level: 'very-weak' | 'weak' | 'fair' | 'strong' | 'very-strong';
  acceptable: boolean;
  /** Estimated entropy after discounting repeats, sequences and dictionary words. */
  entropyBits: number;
  /** Why the score is not higher (empty for a strong secret). */
  reasons: string[];
}

// A short list of the most common passwords (from public breach-frequency lists).
const COMMON = new Set(
  ('password password1 password123 123456 1234567 12345678 123456789 1234567890 qwerty qwerty123 qwertyuiop abc123 111111 123123 ' +
    'letmein welcome welcome1 admin admin123 administrator root toor iloveyou monkey dragon football baseball master sunshine ' +
    'princess shadow superman trustno1 passw0rd p@ssw0rd p@ssword changeme secret secret123 default guest login starwars ' +
    'hello hello123 freedom whatever michael jennifer charlie 000000 654321 987654321 access master123 zaq12wsx 1q2w3e4r ' +
    '1qaz2wsx asdfgh asdfghjkl zxcvbnm azerty solo batman test test123 demo changeit postgres mysql oracle').split(' '),
);
const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1234567890', 'abcdefghijklmnopqrstuvwxyz'];
const LEET: Record<string, string> = { '0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i' };

function poolSize(s: string): { pool: number; classes: string[] } {
  const classes: string[] = [];
  let pool = 0;
  const add = (test: boolean, size: number, name: string): void => {
    if (!test) return;
    pool += size;
    classes.push(name);
  };
  add(/[a-z]/.test(s), 26, 'lowercase');
  add(/[A-Z]/.test(s), 26, 'uppercase');
  add(/[0-9]/.test(s), 10, 'digits');
  add(/[!-/:-@[-`{-~ ]/.test(s), 33, 'symbols');
  add([...s].some((c) => c.charCodeAt(0) > 0x7f), 100, 'other');
  return { pool: Math.max(pool, 1), classes };
}

/** Marks characters that belong to a repeat (`aaa`, `abab`) or a run along a sequence (`abcd`, `4321`, `qwer`). */
function patternMask(s: string): { mask: boolean[]; repeats: boolean; sequences: boolean } {
  const lower = s.toLowerCase();
  const mask = new Array<boolean>(s.length).fill(false);
  let repeats = false;
  let sequences = false;
  for (const m of lower.matchAll(/(.+?)\1+/g)) {
    if (m[0].length < 3) continue;
    repeats = true;
    for (let i = (m.index ?? 0) + (m[1]?.length ?? 0); i < (m.index ?? 0) + m[0].length; i += 1) mask[i] = true;
  }
  for (let i = 0; i + 2 < lower.length; i += 1) {
    const tri = lower.slice(i, i + 3);
    const rev = [...tri].reverse().join('');
    if (KEYBOARD_ROWS.some((row) => row.includes(tri) || row.includes(rev))) {
      sequences = true;
      mask[i + 1] = true;
      mask[i + 2] = true;
    }
  }
  return { mask, repeats, sequences };
}

/** Rates a secret: length, character classes, an entropy estimate, common passwords and patterns → 0–100 with reasons. */
export function validateSecretStrength(value: string, options: StrengthOptions = {}): StrengthResult {
  const minLength = options.minLength ?? 12;
  const minScore = options.minScore ?? 60;
  const reasons: string[] = [];
  const chars = [...value];
  if (chars.length === 0) return { score: 0, level: 'very-weak', acceptable: false, entropyBits: 0, reasons: ['empty'] };
  const { pool, classes } = poolSize(value);
  const { mask, repeats, sequences } = patternMask(value);
  // Characters inside a pattern add about one bit each instead of log2(pool).
  const perChar = Math.log2(pool);
  let entropy = chars.reduce((sum, _c, i) => sum + (mask[i] ? 1 : perChar), 0);
  const lower = value.toLowerCase();
  const unleet = [...lower].map((c) => LEET[c] ?? c).join('');
  const stripped = unleet.replace(/[0-9!@#$%^&*.]+$/, '');
  const common = COMMON.has(lower) || COMMON.has(unleet) || COMMON.has(stripped) || [...COMMON].some((w) => w.length >= 6 && unleet.includes(w));
  if (common) {
    reasons.push('contains a common password');
    entropy = Math.min(entropy, 10 + Math.max(0, chars.length - 8) * 2);
  }
  if (repeats) reasons.push('repeated characters or groups');
  if (sequences) reasons.push('sequential or keyboard-row characters');
  if (chars.length < minLength) reasons.push(`shorter than ${minLength} characters`);
  if (classes.length < 3 && chars.length < 20) reasons.push(`only ${classes.length} character class${classes.length === 1 ? '' : 'es'} (${classes.join(', ')})`);
  // 100 points at 100 bits of estimated entropy.
  let score = Math.round(Math.min(100, entropy));
  if (chars.length < minLength) score = Math.min(score, 40);
  if (common) score = Math.min(score, 5);
  if (entropy < 50 && !reasons.length) reasons.push(`low estimated entropy (${Math.round(entropy)} bits)`);
  const level = score < 20 ? 'very-weak' : score < 40 ? 'weak' : score < 60 ? 'fair' : score < 80 ? 'strong' : 'very-strong';
  return { score, level, acceptable: score >= minScore, entropyBits: Math.round(entropy * 10) / 10, reasons };
}
