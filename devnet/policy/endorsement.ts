/**
 * Endorsement policies in Fabric's signature-policy syntax (the `--signature-policy` of
 * `peer lifecycle chaincode approveformyorg`): `AND(...)`, `OR(...)`, `OutOf(n, ...)` over
 * principals `'MSPID.role'` (role member, peer, client, admin), plus the channel default
 * `MAJORITY` (a majority of the peer organisations). Evaluated as Fabric's cauthdsl does: each
 * signature satisfies at most one principal, sub-policies are tried in order, greedily.
 */

export type Role = 'member' | 'peer' | 'client' | 'admin';

export type EndorsementPolicy =
  | { kind: 'principal'; mspId: string; role: Role }
  | { kind: 'outOf'; n: number; rules: EndorsementPolicy[] };

/** A verified endorser: its MSP and the organisational units of its certificate. */
export interface PolicySigner {
  mspId: string;
  roles: readonly string[];
}

export class PolicySyntaxError extends Error {
  override readonly name = 'PolicySyntaxError';
}

const ROLES: readonly Role[] = ['member', 'peer', 'client', 'admin'];

type Token = { kind: 'word' | 'string' | 'number' | '(' | ')' | ','; text: string; at: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch, text: ch, at: i++ });
    } else if (ch === "'" || ch === '"') {
      const end = source.indexOf(ch, i + 1);
      if (end < 0) throw new PolicySyntaxError(`unterminated principal starting at ${i}`);
      tokens.push({ kind: 'string', text: source.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (/[0-9]/.test(ch)) {
      const match = /^[0-9]+/.exec(source.slice(i))?.[0] ?? '';
      tokens.push({ kind: 'number', text: match, at: i });
      i += match.length;
    } else if (/[A-Za-z]/.test(ch)) {
      const match = /^[A-Za-z]+/.exec(source.slice(i))?.[0] ?? '';
      tokens.push({ kind: 'word', text: match, at: i });
      i += match.length;
    } else {
      throw new PolicySyntaxError(`unexpected '${ch}' at ${i}`);
    }
  }
  return tokens;
}

function principal(text: string): EndorsementPolicy {
  const dot = text.lastIndexOf('.');
  const mspId = text.slice(0, dot);
  const role = text.slice(dot + 1).toLowerCase();
  if (dot <= 0 || !ROLES.includes(role as Role)) throw new PolicySyntaxError(`principal '${text}' must be 'MSPID.role' with role ${ROLES.join(', ')}`);
  return { kind: 'principal', mspId, role: role as Role };
}

class Parser {
  readonly #tokens: Token[];
  #pos = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  #next(): Token {
    const token = this.#tokens[this.#pos++];
    if (!token) throw new PolicySyntaxError('unexpected end of policy');
    return token;
  }

  #expect(kind: Token['kind']): Token {
    const token = this.#next();
    if (token.kind !== kind) throw new PolicySyntaxError(`expected '${kind}' at ${token.at}, got '${token.text}'`);
    return token;
  }

  done(): void {
    const rest = this.#tokens[this.#pos];
    if (rest) throw new PolicySyntaxError(`unexpected '${rest.text}' at ${rest.at}`);
  }

  policy(): EndorsementPolicy {
    const token = this.#next();
    if (token.kind === 'string') return principal(token.text);
    if (token.kind !== 'word') throw new PolicySyntaxError(`expected AND, OR, OutOf or a principal at ${token.at}, got '${token.text}'`);
    const op = token.text.toLowerCase();
    if (op !== 'and' && op !== 'or' && op !== 'outof') throw new PolicySyntaxError(`unknown operator '${token.text}' at ${token.at}`);
    this.#expect('(');
    let n: number | undefined;
    if (op === 'outof') {
      n = Number(this.#expect('number').text);
      this.#expect(',');
    }
    const rules = [this.policy()];
    for (let t = this.#next(); t.kind !== ')'; t = this.#next()) {
      if (t.kind !== ',') throw new PolicySyntaxError(`expected ',' or ')' at ${t.at}, got '${t.text}'`);
      rules.push(this.policy());
    }
    const threshold = op === 'and' ? rules.length : op === 'or' ? 1 : (n ?? 0);
    if (threshold < 1 || threshold > rules.length) throw new PolicySyntaxError(`OutOf(${threshold}, …) needs between 1 and ${rules.length}`);
    return { kind: 'outOf', n: threshold, rules };
  }
}

/**
 * Parses a policy. `MAJORITY` stands for a majority of the peer organisations' peers, the
 * rule of Fabric's default `/Channel/Application/Endorsement` policy.
 */
export function parsePolicy(source: string, peerOrgs: readonly string[]): EndorsementPolicy {
  const trimmed = source.trim();
  if (/^majority$/i.test(trimmed)) {
    if (peerOrgs.length === 0) throw new PolicySyntaxError('MAJORITY needs at least one peer organisation');
    return { kind: 'outOf', n: Math.floor(peerOrgs.length / 2) + 1, rules: peerOrgs.map((mspId) => ({ kind: 'principal', mspId, role: 'peer' })) };
  }
  const parser = new Parser(tokenize(trimmed));
  const policy = parser.policy();
  parser.done();
  return policy;
}

/** The organisations a policy names. */
export function policyOrgs(policy: EndorsementPolicy): string[] {
  if (policy.kind === 'principal') return [policy.mspId];
  return [...new Set(policy.rules.flatMap(policyOrgs))];
}

function matches(rule: { mspId: string; role: Role }, signer: PolicySigner): boolean {
  return signer.mspId === rule.mspId && (rule.role === 'member' || signer.roles.includes(rule.role));
}

function evaluateWith(policy: EndorsementPolicy, signers: readonly PolicySigner[], used: boolean[]): boolean {
  if (policy.kind === 'principal') {
    const index = signers.findIndex((signer, i) => !used[i] && matches(policy, signer));
    if (index < 0) return false;
    used[index] = true;
    return true;
  }
  let satisfied = 0;
  for (const rule of policy.rules) {
    const attempt = [...used];
    if (evaluateWith(rule, signers, attempt)) {
      satisfied++;
      attempt.forEach((value, i) => (used[i] = value));
    }
  }
  return satisfied >= policy.n;
}

/** True when the (already verified, de-duplicated) signers satisfy the policy. */
export function satisfies(policy: EndorsementPolicy, signers: readonly PolicySigner[]): boolean {
  return evaluateWith(policy, signers, signers.map(() => false));
}

/**
 * Minimal sets of peer organisations whose peers' endorsements satisfy the policy (discovery's
 * layouts), smallest first, in the order the organisations are given. Brute force over
 * subsets: a devnet has a handful of organisations.
 */
export function layouts(policy: EndorsementPolicy, peerOrgs: readonly string[]): string[][] {
  if (peerOrgs.length > 16) throw new RangeError('layouts: at most 16 peer organisations');
  const found: number[] = [];
  const masks = [...Array(1 << peerOrgs.length).keys()].sort((a, b) => popcount(a) - popcount(b) || a - b);
  for (const mask of masks) {
    if (mask === 0 || found.some((smaller) => (smaller & mask) === smaller)) continue;
    const orgs = peerOrgs.filter((_, i) => mask & (1 << i));
    if (satisfies(policy, orgs.map((mspId) => ({ mspId, roles: ['peer'] })))) found.push(mask);
  }
  return found.map((mask) => peerOrgs.filter((_, i) => mask & (1 << i)));
}

function popcount(n: number): number {
  let count = 0;
  for (let v = n; v; v &= v - 1) count++;
  return count;
}
