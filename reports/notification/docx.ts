/**
 * A minimal DOCX (Office Open XML) writer: headings, paragraphs, two-column tables and boxes, enough for a notification
 * form that Word and LibreOffice open. The package is a ZIP written here with node:zlib (deflate, crc32), so no
 * dependency is needed. Every text goes through xml() (untrusted incident titles and host names are text).
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** A block of the document. */
export type Block =
  | { kind: 'heading'; text: string; level: 1 | 2; center?: boolean }
  | {
      kind: 'para';
      text: string;
      bold?: boolean;
      italic?: boolean;
      center?: boolean;
      right?: boolean;
      indent?: boolean;
    }
  /** Label, value and an optional italic hint under the label; a value's line breaks become paragraphs. */
  | { kind: 'table'; rows: [string, string, string?][] }
  /** One bordered box across the page: a title (and italic hint), then the text below it. */
  | { kind: 'box'; title: string; hint?: string; text: string };

/** XML-escapes text (and drops characters XML 1.0 cannot hold). */
export function xml(s: string): string {
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function run(text: string, o: { bold?: boolean; italic?: boolean; size?: number } = {}): string {
  const pr = `${o.bold ? '<w:b/>' : ''}${o.italic ? '<w:i/>' : ''}${o.size ? `<w:sz w:val="${o.size}"/>` : ''}`;
  return `<w:r>${pr ? `<w:rPr>${pr}</w:rPr>` : ''}<w:t xml:space="preserve">${xml(text)}</w:t></w:r>`;
}

function para(
  text: string,
  o: {
    bold?: boolean;
    italic?: boolean;
    center?: boolean;
    right?: boolean;
    indent?: boolean;
    size?: number;
    keep?: boolean;
  } = {},
) {
  const jc = o.center ? 'center' : o.right ? 'right' : '';
  const ppr = `${o.keep ? '<w:keepNext/>' : ''}${o.indent ? '<w:ind w:left="360"/>' : ''}${jc ? `<w:jc w:val="${jc}"/>` : ''}`;
  return `<w:p>${ppr ? `<w:pPr>${ppr}</w:pPr>` : ''}${run(text, o)}</w:p>`;
}

/** A cell's paragraphs: each line of the text, then the hint in italics. */
function cell(text: string, width: number, o: { shade?: string; hint?: string; span?: number } = {}): string {
  const paras =
    text
      .split('\n')
      .map((t) => para(t))
      .join('') + (o.hint ? para(o.hint, { italic: true, size: 18 }) : '');
  return `<w:tc><w:tcPr><w:tcW w:w="${width}" w:type="dxa"/>${o.span ? `<w:gridSpan w:val="${o.span}"/>` : ''}${o.shade ? `<w:shd w:val="clear" w:color="auto" w:fill="${o.shade}"/>` : ''}</w:tcPr>${paras}</w:tc>`;
}

const BORDERS = ['top', 'left', 'bottom', 'right', 'insideH', 'insideV']
  .map((b) => `<w:${b} w:val="single" w:sz="4" w:space="0" w:color="555555"/>`)
  .join('');

function table(rows: [string, string, string?][]): string {
  return (
    `<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>${BORDERS}</w:tblBorders></w:tblPr>` +
    '<w:tblGrid><w:gridCol w:w="3600"/><w:gridCol w:w="5400"/></w:tblGrid>' +
    rows
      .map(
        ([a, b, h]) =>
          `<w:tr><w:trPr><w:cantSplit/></w:trPr>${cell(a, 3600, { shade: 'F2F4F7', ...(h ? { hint: h } : {}) })}${cell(b, 5400)}</w:tr>`,
      )
      .join('') +
    '</w:tbl>'
  );
}

/** A one-column box: the title row (with its hint), then the text. */
function box(title: string, hint: string | undefined, text: string): string {
  return (
    `<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>${BORDERS}</w:tblBorders></w:tblPr>` +
    '<w:tblGrid><w:gridCol w:w="9000"/></w:tblGrid>' +
    `<w:tr><w:trPr><w:cantSplit/></w:trPr>${cell(title, 9000, { shade: 'F2F4F7', ...(hint ? { hint } : {}) })}</w:tr>` +
    `<w:tr><w:trPr><w:cantSplit/></w:trPr>${cell(text, 9000)}</w:tr></w:tbl>` +
    para('')
  );
}

/** The document.xml of the blocks. */
function documentXml(blocks: Block[]): string {
  const body = blocks
    .map((b) => {
      if (b.kind === 'heading')
        return para(b.text, { bold: true, center: b.center ?? false, size: b.level === 1 ? 28 : 24, keep: true });
      if (b.kind === 'para') return para(b.text, b);
      if (b.kind === 'box') return box(b.title, b.hint, b.text);
      return table(b.rows);
    })
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' +
    body +
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr>' +
    '</w:body></w:document>'
  );
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>';
const RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>';

function core(title: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${xml(title)}</dc:title><dc:creator>canhgac</dc:creator></cp:coreProperties>`;
}

/** A ZIP archive of the files (deflated), as OOXML packages are. */
export function zip(files: [string, string | Buffer][]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of files) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const packed = deflateRawSync(data);
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0x00210000, 10); // 1/1/1980 00:00
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(0x00210000, 12);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(packed.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(nameBuf.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, nameBuf, packed);
    central.push(dir, nameBuf);
    offset += local.length + nameBuf.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

/** A DOCX file of the blocks. */
export function docx(title: string, blocks: Block[]): Buffer {
  return zip([
    ['[Content_Types].xml', CONTENT_TYPES],
    ['_rels/.rels', RELS],
    ['docProps/core.xml', core(title)],
    ['word/document.xml', documentXml(blocks)],
  ]);
}
