import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF as Chromium (Skia) writes it, read back the way a PDF reader does: no poppler on this machine and
 * no PDF package in node_modules, so this reads the one dialect the hub produces, and fails loudly on anything else.
 * Each page's content streams are inflated; its text operators (Tj, TJ) show glyph ids in hex under a font set by Tf;
 * each font's ToUnicode CMap (bfchar, bfrange) turns them into characters. The text runs come in drawing order,
 * separated by spaces; compare with whitespace removed (`compact`), as layout decides where lines break.
 */
export function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  if (!source.startsWith('%PDF-')) throw new Error('not a PDF');
  const objects = new Map<number, { dictionary: string; stream?: Buffer }>();
  for (const match of source.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
    const body = match[2]!;
    const streamAt = body.search(/stream\r?\n/);
    if (streamAt < 0) {
      objects.set(Number(match[1]), { dictionary: body });
      continue;
    }
    const dictionary = body.slice(0, streamAt);
    const start = streamAt + body.slice(streamAt).indexOf('\n') + 1;
    const raw = Buffer.from(body.slice(start, body.lastIndexOf('endstream')), 'latin1');
    const stream = /\/FlateDecode/.test(dictionary) ? inflateSync(raw) : raw;
    objects.set(Number(match[1]), { dictionary, stream });
  }
  const ref = (text: string, key: string) => {
    const found = new RegExp(`/${key}\\s+(\\d+) 0 R`).exec(text);
    return found ? objects.get(Number(found[1])) : undefined;
  };

  const cmaps = new Map<number, Map<number, string>>();
  const cmapOfFont = (fontObject: number): Map<number, string> => {
    let cmap = cmaps.get(fontObject);
    if (cmap) return cmap;
    cmap = new Map();
    const toUnicode = ref(objects.get(fontObject)?.dictionary ?? '', 'ToUnicode')?.stream?.toString('latin1');
    if (!toUnicode) throw new Error(`font ${fontObject} has no ToUnicode map`);
    const utf16 = (hex: string) => Buffer.from(hex, 'hex').swap16().toString('utf16le');
    for (const block of toUnicode.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const pair of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
        cmap.set(parseInt(pair[1]!, 16), utf16(pair[2]!));
      }
    }
    for (const block of toUnicode.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const range of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
        const [from, to, first] = [parseInt(range[1]!, 16), parseInt(range[2]!, 16), parseInt(range[3]!, 16)];
        for (let code = from; code <= to; code++) cmap.set(code, String.fromCodePoint(first + code - from));
      }
    }
    cmaps.set(fontObject, cmap);
    return cmap;
  };

  const pages = [...objects.values()].filter((o) => /\/Type\s*\/Page\b/.test(o.dictionary));
  const runs: string[] = [];
  for (const page of pages) {
    const fonts = new Map<string, number>();
    const fontDictionary = /\/Font\s*<<([\s\S]*?)>>/.exec(page.dictionary)?.[1] ?? '';
    for (const font of fontDictionary.matchAll(/\/(\w+)\s+(\d+) 0 R/g)) fonts.set(font[1]!, Number(font[2]));
    const contentRefs = /\/Contents\s*(\[[^\]]*\]|\d+ 0 R)/.exec(page.dictionary)?.[1] ?? '';
    for (const content of contentRefs.matchAll(/(\d+) 0 R/g)) {
      const operators = objects.get(Number(content[1]))?.stream?.toString('latin1') ?? '';
      let cmap: Map<number, string> | undefined;
      for (const token of operators.matchAll(/\/(\w+)\s+[\d.]+\s+Tf|(<[0-9A-Fa-f]*>)\s*Tj|\[([^\]]*)\]\s*TJ/g)) {
        if (token[1]) {
          const object = fonts.get(token[1]);
          cmap = object === undefined ? undefined : cmapOfFont(object);
          continue;
        }
        if (!cmap) throw new Error('text shown before a font with a ToUnicode map was set');
        const hexes = token[2] ? [token[2]] : [...token[3]!.matchAll(/<[0-9A-Fa-f]*>/g)].map((h) => h[0]);
        let run = '';
        for (const hex of hexes) {
          const digits = hex.slice(1, -1);
          for (let i = 0; i + 4 <= digits.length; i += 4)
            run += cmap.get(parseInt(digits.slice(i, i + 4), 16)) ?? '\uFFFD';
        }
        runs.push(run);
      }
    }
  }
  return runs.join(' ');
}

/** Text without any whitespace (spaces, no-break spaces, line breaks), to compare regardless of layout. */
export const compact = (text: string) => text.replace(/\s+/g, '');
