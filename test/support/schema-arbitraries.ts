/**
 * fast-check arbitraries derived from openapi/meeting-api.yaml: walk a schema of the document and
 * generate values it accepts, biased to the extremes (boundary lengths and counts, extreme numbers
 * and instants, every Unicode plane, normalisation forms, all limits at once).
 *
 * The generator follows the document, not a copy of it: a new field, limit, enum value or pattern
 * in the document flows into the values generated here.
 *
 * Supported (what the document uses): $ref to #/components/..., allOf (merged), object (required
 * and optional properties; only known properties; readOnly properties omitted), string with enum,
 * pattern, format uuid and format date-time, minLength/maxLength (counted in code points), number
 * and integer with minimum/maximum (and the exclusive forms), array with minItems/maxItems and a
 * "(key unique)" note in its description.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';

export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  readOnly?: boolean;
  allOf?: Schema[];
  default?: unknown;
  description?: string;
}

export const openApiDocument: any = parse(
  readFileSync(new URL('../../openapi/meeting-api.yaml', import.meta.url), 'utf8'),
);

/** Follows $refs (#/...) and merges allOf, so that the result has its keywords at the top. */
export function resolveSchema(schema: Schema): Schema {
  let current = schema;
  const seen = new Set<string>();
  while (current.$ref !== undefined) {
    const ref = current.$ref;
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    if (seen.has(ref)) throw new Error(`circular $ref ${ref}`);
    seen.add(ref);
    const { $ref: _ref, ...siblings } = current;
    const target = ref
      .slice(2)
      .split('/')
      .reduce<any>((node, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], openApiDocument);
    if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
    current = { ...target, ...siblings };
  }
  if (current.allOf) {
    const { allOf, ...rest } = current;
    let merged: Schema = {};
    for (const part of allOf.map(resolveSchema)) {
      merged = {
        ...merged,
        ...part,
        properties: { ...merged.properties, ...part.properties },
        required: [...new Set([...(merged.required ?? []), ...(part.required ?? [])])],
      };
    }
    current = {
      ...merged,
      ...rest,
      properties: { ...merged.properties, ...rest.properties },
      required: [...new Set([...(merged.required ?? []), ...(rest.required ?? [])])],
    };
  }
  return current;
}

export const schemaNamed = (name: string): Schema => {
  const schema = openApiDocument.components?.schemas?.[name];
  if (!schema) throw new Error(`no schema ${name} in openapi/meeting-api.yaml`);
  return resolveSchema(schema);
};

export const typeOf = (schema: Schema): string | undefined => {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  if (schema.enum) return typeof schema.enum[0];
  return undefined;
};

/** The key an array's items must be unique by, from a "(partyId unique)" note in its description. */
export const uniqueKeyOf = (schema: Schema): string | undefined =>
  /\((\w+) unique\)/.exec(schema.description ?? '')?.[1];

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

export interface ArbitraryOptions {
  /** Array lengths: anywhere (biased to the bounds), always the minimum, or always the maximum. */
  counts?: 'any' | 'min' | 'max';
  /** String lengths: anywhere (biased to the bounds), or always the maximum. */
  lengths?: 'any' | 'max';
  /** Optional properties: sometimes present, or always present. */
  optional?: 'some' | 'all';
  /** Share of strings allowed to carry a lone surrogate (not well-formed Unicode). Default 0.03. */
  loneSurrogates?: number;
}

const DEFAULT_UNBOUNDED_LENGTH = 200;
const DEFAULT_UNBOUNDED_COUNT = 10;

// ---------------------------------------------------------------------------------------------
// Characters: every plane, one code point per element (a lone surrogate counts as one)
// ---------------------------------------------------------------------------------------------

const cp = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCodePoint(c));
const from = (...chars: string[]) => fc.constantFrom(...chars);

/** Pools of code points, by kind; each arbitrary yields exactly one code point. */
export const characterPools = {
  ascii: cp(0x20, 0x7e),
  asciiSpecial: from('"', '\\', '/', '<', '>', '&', "'", '`', '%', '+', '{', '}', '$', '#', '?', '=', ',', '|', '*'),
  control: fc.oneof(cp(0x00, 0x1f), from('\u007f', '\u0000'), cp(0x80, 0x9f)),
  whitespace: from(
    ' ',
    '\t',
    '\n',
    '\r',
    '\u000b',
    '\u000c',
    '\u00a0',
    '\u1680',
    '\u2000',
    '\u2007',
    '\u200a',
    '\u2028',
    '\u2029',
    '\u202f',
    '\u205f',
    '\u3000',
    '\ufeff',
  ),
  latin1: cp(0xc0, 0xff),
  latinExtended: cp(0x100, 0x24f),
  caseSpecial: from('ß', 'ẞ', 'İ', 'ı', 'Σ', 'σ', 'ς', 'ǅ', 'ǆ', 'Ǆ', 'ﬁ', 'ﬀ', 'ŉ', 'ΐ', 'K', 'Å', 'Ω', 'ẞ', 'ǰ'),
  combining: fc.oneof(
    cp(0x300, 0x36f),
    cp(0x1ab0, 0x1aff),
    cp(0x20d0, 0x20ff),
    cp(0xfe20, 0xfe2f),
    from('\u0301', '\u0308', '\u030a', '\u0327'),
  ),
  greekCyrillic: fc.oneof(cp(0x370, 0x3ff), cp(0x400, 0x4ff)),
  hebrewArabic: fc.oneof(cp(0x5d0, 0x5ea), cp(0x600, 0x6ff), cp(0x750, 0x77f)),
  bidiControls: from(
    '\u200e',
    '\u200f',
    '\u202a',
    '\u202b',
    '\u202c',
    '\u202d',
    '\u202e',
    '\u2066',
    '\u2067',
    '\u2068',
    '\u2069',
    '\u061c',
  ),
  zeroWidth: from('\u200b', '\u200c', '\u200d', '\u2060', '\ufe0f', '\ufe0e', '\u00ad', '\u034f'),
  devanagariThai: fc.oneof(cp(0x900, 0x97f), cp(0xe00, 0xe7f)),
  hangulSyllable: cp(0xac00, 0xd7a3),
  hangulJamo: fc.oneof(cp(0x1100, 0x11ff), cp(0x3130, 0x318f)),
  cjk: fc.oneof(cp(0x4e00, 0x9fff), cp(0x3040, 0x30ff), cp(0xf900, 0xfaff)),
  bmpHigh: fc.oneof(cp(0xe000, 0xf8ff), cp(0xfb00, 0xfffd), from('\ufffe', '\uffff', '\ufffd', '\ufdd0')),
  emoji: fc.oneof(
    cp(0x1f300, 0x1f5ff),
    cp(0x1f600, 0x1f64f),
    cp(0x1f900, 0x1faff),
    from('😀', '👍', '🏻', '🇫', '🇮', '🧑', '🦰'),
  ),
  supplementary: fc.oneof(
    cp(0x10000, 0x1ffff), // plane 1: SMP (historic scripts, math, emoji)
    cp(0x20000, 0x2ffff), // plane 2: SIP (CJK extension B..)
    cp(0x30000, 0x3ffff), // plane 3: TIP
    cp(0x40000, 0xdffff), // planes 4-13: unassigned
    cp(0xe0000, 0xeffff), // plane 14: tags, variation selectors
    cp(0xf0000, 0x10ffff), // planes 15-16: private use
    from('\u{10ffff}', '\u{10fffe}', '\u{10000}', '\u{1d11e}', '\u{e0001}', '\u{e0041}', '\u{20000}', '\u{2a6d6}'),
  ),
  /** Any code point of any plane but a surrogate. */
  anyPlane: fc
    .integer({ min: 0, max: 16 })
    .chain((plane) => fc.integer({ min: plane * 0x10000, max: plane * 0x10000 + 0xffff }))
    .filter((c) => c < 0xd800 || c > 0xdfff)
    .map((c) => String.fromCodePoint(c)),
  grapheme: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
} satisfies Record<string, fc.Arbitrary<string>>;

/**
 * Lone surrogates: only low ones (U+DC00..U+DFFF), so that joining them never makes a pair with a
 * neighbour (a pair is high then low; the generated high surrogates all come within pairs).
 */
const loneSurrogate = cp(0xdc00, 0xdfff).map((c) => c); // String.fromCodePoint of a surrogate gives a lone unit

const poolEntries = Object.entries<fc.Arbitrary<string>>(characterPools);
const anyCharacter = fc.oneof(...poolEntries.map(([, arb]) => arb));
/** A character source: everything mixed, or one pool only (a string of all emoji, all Hangul...). */
const characterSource: fc.Arbitrary<fc.Arbitrary<string>> = fc.oneof(
  { arbitrary: fc.constant(anyCharacter), weight: 3 },
  { arbitrary: fc.constantFrom(...poolEntries.map(([, arb]) => arb)), weight: 4 },
);

const codePoints = (text: string): string[] => {
  // Array.from splits by code point; a lone surrogate is one element.
  return Array.from(text);
};
export const codePointLength = (text: string): number => codePoints(text).length;

/** Repeats the units (code points) cyclically to exactly `length` code points. */
function fill(units: string[], length: number): string {
  if (length === 0 || units.length === 0) return '';
  let out = '';
  for (let i = 0; i < length; i++) out += units[i % units.length];
  return out;
}

type NormalForm = 'none' | 'NFC' | 'NFD' | 'NFKC' | 'NFKD';
const normalForm: fc.Arbitrary<NormalForm> = fc.oneof(
  { arbitrary: fc.constant<NormalForm>('none'), weight: 3 },
  { arbitrary: fc.constantFrom<NormalForm>('NFC', 'NFD'), weight: 3 },
  { arbitrary: fc.constantFrom<NormalForm>('NFKC', 'NFKD'), weight: 1 },
);
const normalise = (text: string, form: NormalForm) => (form === 'none' ? text : text.normalize(form));

/** true with the given probability (weights, not a biased number: fast-check biases numbers to their edges). */
export const chance = (probability: number): fc.Arbitrary<boolean> => {
  const yes = Math.round(probability * 1000);
  if (yes <= 0) return fc.constant(false);
  if (yes >= 1000) return fc.constant(true);
  return fc.oneof({ arbitrary: fc.constant(false), weight: 1000 - yes }, { arbitrary: fc.constant(true), weight: yes });
};

/** A length in [min, max], biased to 0/min, 1, max-1, max. */
function lengthArbitrary(min: number, max: number, mode: 'any' | 'max'): fc.Arbitrary<number> {
  if (mode === 'max') return fc.constant(max);
  const edges = [...new Set([min, min + 1, max - 1, max].filter((n) => n >= min && n <= max))];
  return fc.oneof(
    { arbitrary: fc.constantFrom(...edges), weight: 4 },
    { arbitrary: fc.integer({ min, max: Math.min(max, min + 40) }), weight: 4 },
    { arbitrary: fc.integer({ min, max }), weight: 2 },
  );
}

/** A string of exactly `min..max` code points from every plane, biased to the length bounds. */
export function unicodeString(min: number, max: number, options: ArbitraryOptions = {}): fc.Arbitrary<string> {
  const lone = chance(options.loneSurrogates ?? 0.03);
  return fc
    .tuple(lengthArbitrary(min, max, options.lengths ?? 'any'), characterSource, normalForm, lone)
    .chain(([length, source, form, withLone]) => {
      const chars = withLone
        ? fc.oneof({ arbitrary: source, weight: 5 }, { arbitrary: loneSurrogate, weight: 1 })
        : source;
      // a short chunk repeated to the length (cheap for 10,000 code points, shrinks well), or
      // every code point drawn on its own for the shorter strings
      const chunked = fc
        .array(chars, { minLength: 1, maxLength: 12 })
        .map((chunk) => fill(codePoints(normalise(chunk.join(''), form)), length));
      const drawn = fc
        .array(chars, { minLength: length, maxLength: length })
        .map((all) => fill(codePoints(normalise(all.join(''), form)), length));
      const withLoneAtEdge = withLone
        ? [
            fc
              .tuple(chunked, fc.boolean())
              .map(([s, atEnd]) =>
                length === 0
                  ? s
                  : atEnd
                    ? codePoints(s).slice(0, -1).join('') + '\udc00'
                    : '\udfff' + codePoints(s).slice(1).join(''),
              ),
          ]
        : [];
      return length <= 300 ? fc.oneof(chunked, drawn, ...withLoneAtEdge) : fc.oneof(chunked, ...withLoneAtEdge);
    });
}

// ---------------------------------------------------------------------------------------------
// uuid, date-time, numbers
// ---------------------------------------------------------------------------------------------

/** Random uuids in lower, upper and mixed case (ids compare case-insensitively), and the edges. */
export const uuidArbitrary: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc
      .tuple(fc.uuid(), fc.array(fc.boolean(), { minLength: 36, maxLength: 36 }))
      .map(([id, upper]) => [...id].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')),
    weight: 6,
  },
  { arbitrary: fc.uuid().map((id) => id.toUpperCase()), weight: 2 },
  { arbitrary: fc.uuid(), weight: 2 },
  {
    arbitrary: fc.stringMatching(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/),
    weight: 2,
  },
  {
    arbitrary: fc.constantFrom(
      '00000000-0000-0000-0000-000000000000',
      'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
    ),
    weight: 1,
  },
);

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number) =>
  [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
const biasedInt = (min: number, max: number, ...edges: number[]) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...[min, max, ...edges].filter((e) => e >= min && e <= max)), weight: 1 },
    { arbitrary: fc.integer({ min, max }), weight: 1 },
  );

const offsetArbitrary = (signs: ('+' | '-')[]) =>
  fc.oneof(
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...signs), biasedInt(0, 23, 1, 14), biasedInt(0, 59, 1, 30, 45))
        .map(([s, h, m]) => `${s}${pad(h, 2)}:${pad(m, 2)}`),
      weight: 8,
    },
    // the forms without a colon (+HHMM, +HH), which JSON Schema validators commonly accept as date-time
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...signs), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([s, h, m]) => `${s}${pad(h, 2)}${pad(m, 2)}`),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...signs), fc.integer({ min: 0, max: 23 }))
        .map(([s, h]) => `${s}${pad(h, 2)}`),
      weight: 1,
    },
  );
const fractionArbitrary = fc.oneof(
  fc.constant(''),
  fc
    .integer({ min: 0, max: 9 })
    .chain((digits) => fc.stringMatching(new RegExp(`^[0-9]{${digits}}$`)).map((d) => (digits === 0 ? '' : `.${d}`))),
  fc.constantFrom('.999999999', '.000000000', '.9995', '.0005', '.123456789', '.5', '.999', '.0'),
);
const separatorArbitrary = fc.constantFrom('T', 'T', 't', ' ');
const dateTimeText = (
  year: number,
  month: number,
  day: number,
  [h, mi, s]: readonly number[],
  fraction: string,
  separator: string,
  offset: string,
) =>
  `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}${separator}${pad(h!, 2)}:${pad(mi!, 2)}:${pad(s!, 2)}${fraction}${offset}`;

/**
 * RFC 3339 date-times at the extremes: years 0000 and 9999 (also where the offset carries the
 * instant out of them), offsets from -23:59 to +23:59 (and the forms +HHMM and +HH), 0 to 9
 * fraction digits, lowercase t and z, a space separator, leap seconds (23:59:60).
 */
export const extremeDateTime: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        year: biasedInt(0, 9999, 1, 1582, 1899, 1900, 1969, 1970, 1999, 2000, 2024, 2038, 2100, 9998),
        month: biasedInt(1, 12, 2, 6),
        dayPick: fc.oneof(fc.constantFrom('first', 'last', 'leap'), fc.integer({ min: 1, max: 31 })),
        time: fc.oneof(
          { arbitrary: fc.tuple(biasedInt(0, 23), biasedInt(0, 59), biasedInt(0, 59)), weight: 8 },
          { arbitrary: fc.constant<[number, number, number]>([23, 59, 60]), weight: 1 },
        ),
        fraction: fractionArbitrary,
        separator: separatorArbitrary,
        offset: fc.oneof(
          {
            arbitrary: fc.constantFrom('Z', 'z', '+00:00', '-00:00', '+23:59', '-23:59', '+14:00', '-12:00', '+05:45'),
            weight: 1,
          },
          { arbitrary: offsetArbitrary(['+', '-']), weight: 1 },
        ),
      })
      .map(({ year, month, dayPick, time, fraction, separator, offset }) => {
        const last = daysInMonth(year, month);
        const day =
          dayPick === 'first'
            ? 1
            : dayPick === 'last'
              ? last
              : dayPick === 'leap'
                ? month === 2 && isLeapYear(year)
                  ? 29
                  : last
                : Math.min(dayPick, last);
        return dateTimeText(year, month, day, time, fraction, separator, offset);
      }),
  },
  {
    // the first day of year 0000 with a positive offset: UTC may fall before year 0000
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.tuple(biasedInt(0, 23, 1), biasedInt(0, 59, 1), biasedInt(0, 59)),
        fractionArbitrary,
        separatorArbitrary,
        offsetArbitrary(['+']),
      )
      .map(([time, fraction, separator, offset]) => dateTimeText(0, 1, 1, time, fraction, separator, offset)),
  },
  {
    // the last day of year 9999 with a negative offset: UTC may fall after year 9999
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.tuple(biasedInt(0, 23, 22), biasedInt(0, 59, 58), fc.oneof(biasedInt(0, 59), fc.constant(60))),
        fractionArbitrary,
        separatorArbitrary,
        offsetArbitrary(['-']),
      )
      .map(([time, fraction, separator, offset]) => dateTimeText(9999, 12, 31, time, fraction, separator, offset)),
  },
);

/** Numbers at the edges: 0, the bounds, subnormals, DynamoDB's exponent edge, 17 significant digits. */
export function numberArbitrary(schema: Schema): fc.Arbitrary<number> {
  const integer = typeOf(schema) === 'integer';
  const low = schema.minimum ?? schema.exclusiveMinimum ?? (integer ? Number.MIN_SAFE_INTEGER : -Number.MAX_VALUE);
  const high = schema.maximum ?? schema.exclusiveMaximum ?? (integer ? Number.MAX_SAFE_INTEGER : Number.MAX_VALUE);
  const inRange = (n: number) =>
    Number.isFinite(n) &&
    (schema.minimum === undefined || n >= schema.minimum) &&
    (schema.maximum === undefined || n <= schema.maximum) &&
    (schema.exclusiveMinimum === undefined || n > schema.exclusiveMinimum) &&
    (schema.exclusiveMaximum === undefined || n < schema.exclusiveMaximum) &&
    (!integer || Number.isInteger(n));
  const candidates = [
    0,
    1,
    -1,
    low,
    high,
    5e-324,
    2.2250738585072014e-308,
    1e-131,
    1e-130,
    1.0000000000000001e-130,
    9.999999999999999e-131,
    1e-7,
    1e-6,
    0.1,
    0.30000000000000004,
    1.0000000000000002,
    0.1 + 0.7,
    123456789012.34567,
    12345678901.234568,
    999999999999.9999,
    99999999999.99998,
    high - 1,
    high - 0.0001220703125,
    low + 1,
    9007199254740991,
    9007199254740992, // 2^53 + 1 reads as this
    1e21,
    1e125,
    1e126 - 1e110, // as close under DynamoDB's bound as a double gets
    1e126,
    Number.MAX_VALUE,
    -0,
  ];
  const edges = [...new Set(candidates.filter(inRange))];
  // the tiniest values (subnormals, below 1e-130) make most bodies invalid for many stores: less often
  const ordinaryEdges = edges.filter((n) => n === 0 || Math.abs(n) >= 1e-130);
  const tinyEdges = edges.filter((n) => n !== 0 && Math.abs(n) < 1e-130);
  const seventeenDigits = fc
    .tuple(
      fc.bigInt({ min: 10n ** 16n, max: 10n ** 17n - 1n }),
      fc.oneof(
        { arbitrary: fc.integer({ min: -20, max: 20 }), weight: 4 },
        { arbitrary: fc.integer({ min: -150, max: -16 }), weight: 1 },
      ),
    )
    .map(([mantissa, exponent]) => Number(`${mantissa}e${exponent}`))
    .filter(inRange);
  const options = integer
    ? [fc.integer({ min: Math.max(low, Number.MIN_SAFE_INTEGER), max: Math.min(high, Number.MAX_SAFE_INTEGER) })]
    : [
        fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true }).filter(inRange),
        seventeenDigits,
        fc
          .integer({ min: Math.max(Math.ceil(low), -(2 ** 31)), max: Math.min(Math.floor(high), 2 ** 31) })
          .filter(inRange),
      ];
  // (fc.double leans to its edges too, subnormals included: one share)
  const [anyDouble, ...others] = options;
  return fc.oneof(
    { arbitrary: fc.constantFrom(...ordinaryEdges), weight: 6 },
    ...(tinyEdges.length ? [{ arbitrary: fc.constantFrom(...tinyEdges), weight: 1 }] : []),
    { arbitrary: anyDouble!, weight: 1 },
    ...others.map((arbitrary) => ({ arbitrary, weight: 3 })),
  );
}

// ---------------------------------------------------------------------------------------------
// The walk
// ---------------------------------------------------------------------------------------------

const codePointLengthWithin = (min: number | undefined, max: number | undefined) => (s: string) => {
  const n = codePointLength(s);
  return (min === undefined || n >= min) && (max === undefined || n <= max);
};

function stringArbitrary(schema: Schema, options: ArbitraryOptions): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  if (schema.const !== undefined) return fc.constant(schema.const as string);
  const pattern = schema.pattern !== undefined ? new RegExp(schema.pattern, 'u') : undefined;
  const withinLength = codePointLengthWithin(schema.minLength, schema.maxLength);
  let base: fc.Arbitrary<string> | undefined;
  if (schema.format === 'uuid') base = uuidArbitrary;
  else if (schema.format === 'date-time') base = extremeDateTime;
  if (pattern) {
    // what matches the pattern, plus the format's (or the Unicode) extremes that happen to match it
    const matching = fc.stringMatching(pattern).filter(withinLength);
    const extremes = (
      base ?? unicodeString(schema.minLength ?? 0, schema.maxLength ?? DEFAULT_UNBOUNDED_LENGTH, options)
    ).filter((s) => pattern.test(s));
    // (the pattern alone makes mostly values the format refuses, e.g. month 73: less often)
    return base ? fc.oneof({ arbitrary: extremes, weight: 4 }, { arbitrary: matching, weight: 1 }) : matching;
  }
  if (base) return base;
  const min = schema.minLength ?? 0;
  return unicodeString(min, schema.maxLength ?? Math.max(min, DEFAULT_UNBOUNDED_LENGTH), options);
}

function arrayArbitrary(schema: Schema, options: ArbitraryOptions): fc.Arbitrary<unknown[]> {
  const items = arbitraryOfSchema(schema.items ?? {}, options);
  const min = schema.minItems ?? 0;
  const max = schema.maxItems ?? Math.max(min, DEFAULT_UNBOUNDED_COUNT);
  const counts = options.counts ?? 'any';
  const length =
    counts === 'min'
      ? fc.constant(min)
      : counts === 'max'
        ? fc.constant(max)
        : fc.oneof(
            { arbitrary: fc.constantFrom(min, max), weight: 2 },
            { arbitrary: fc.integer({ min, max }), weight: 2 },
          );
  const key = uniqueKeyOf(schema);
  return length.chain((n) =>
    key
      ? fc.uniqueArray(items, {
          minLength: n,
          maxLength: n,
          selector: (item) => String((item as Record<string, unknown>)[key]).toLowerCase(),
        })
      : fc.array(items, { minLength: n, maxLength: n }),
  );
}

function objectArbitrary(schema: Schema, options: ArbitraryOptions): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  // only the known properties (additionalProperties: false, and nothing extra otherwise either);
  // read-only properties are what the server sets: omitted
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (resolveSchema(property).readOnly || property.readOnly) continue;
    model[name] = arbitraryOfSchema(property, options);
  }
  const names = Object.keys(model);
  const requiredKeys = names.filter((name) => required.has(name));
  const some = fc.record(model, { requiredKeys, noNullPrototype: true });
  const all = fc.record(model, { noNullPrototype: true });
  return options.optional === 'all' ? all : fc.oneof({ arbitrary: some, weight: 3 }, { arbitrary: all, weight: 1 });
}

/** An arbitrary of the values a schema accepts, biased to its extremes. */
export function arbitraryOfSchema(input: Schema, options: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const schema = resolveSchema(input);
  if (schema.const !== undefined) return fc.constant(schema.const);
  switch (typeOf(schema)) {
    case 'object':
      return objectArbitrary(schema, options);
    case 'array':
      return arrayArbitrary(schema, options);
    case 'string':
      return stringArbitrary(schema, options);
    case 'number':
    case 'integer':
      return schema.enum ? fc.constantFrom(...(schema.enum as number[])) : numberArbitrary(schema);
    case 'boolean':
      return fc.boolean();
    default:
      throw new Error(`schema-arbitraries: unsupported schema ${JSON.stringify(schema).slice(0, 200)}`);
  }
}

/** An arbitrary of the named schema of components/schemas. */
export const arbitraryOf = (schemaName: string, options: ArbitraryOptions = {}) =>
  arbitraryOfSchema(schemaNamed(schemaName), options);

/**
 * Rules the document states in prose rather than in the schema, applied to most bodies so that
 * most are valid (a share is left as generated: the API must answer those with a 400, not a 5xx).
 * - PriceEstimate: "At least one of minPrice and maxPrice; minPrice <= maxPrice."
 */
function applyProseRules(body: Record<string, any>): Record<string, any> {
  const price = body.priceEstimate as Record<string, number | string> | undefined;
  if (price) {
    if (price.minPrice === undefined && price.maxPrice === undefined) {
      const { priceEstimate: _dropped, ...rest } = body;
      return rest;
    }
    if (typeof price.minPrice === 'number' && typeof price.maxPrice === 'number' && price.minPrice > price.maxPrice) {
      return { ...body, priceEstimate: { ...price, minPrice: price.maxPrice, maxPrice: price.minPrice } };
    }
  }
  return body;
}

/** Bodies for create and update (MeetingInput): mostly valid, extreme, sometimes all limits at once. */
export function meetingInputArbitrary(options: ArbitraryOptions = {}): fc.Arbitrary<Record<string, any>> {
  const schema = schemaNamed('MeetingInput');
  const generated = fc.oneof(
    { arbitrary: arbitraryOfSchema(schema, options), weight: 8 },
    // all limits at once: every optional field, every count and length at its maximum
    { arbitrary: arbitraryOfSchema(schema, { counts: 'max', lengths: 'max', optional: 'all', ...options }), weight: 1 },
  ) as fc.Arbitrary<Record<string, any>>;
  return fc.tuple(generated, chance(0.9)).map(([body, followProse]) => (followProse ? applyProseRules(body) : body));
}
