import { readHeader } from './decoder.ts'
import { withUprightOrientation } from './exif.ts'
import { checkSourceFile } from './source-file.ts'
import type { ImageInfo } from './types.ts'

/** What 'keep' carries from the source file to the output. */
export interface KeptMetadata {
  icc?: Buffer
  /** Raw EXIF block with Orientation already reset to 1. */
  exif?: Buffer
  xmp?: string
  density?: number
}

/**
 * Re-reads the source file's header (cheap) for its metadata blocks. Reading them at write time
 * rather than carrying buffers in ImageInfo keeps ImageInfo small and serialisable across IPC.
 * A source that has gone missing is an error: silently writing without metadata is what
 * users complain about.
 */
export async function metadataToKeep(source: ImageInfo, channels: number): Promise<KeptMetadata> {
  const file = await checkSourceFile(source.path)
  const meta = await readHeader(file.path)
  const kept: KeptMetadata = {}
  // A CMYK source was converted to RGB on read, and a grey profile cannot describe RGB pixels
  // (nor an RGB profile grey ones): attaching either would be wrong, so such a profile is dropped.
  if (meta.icc && meta.icc.length >= 20 && meta.space !== 'cmyk' && iccFits(meta.icc, channels)) kept.icc = meta.icc
  if (meta.exif && meta.exif.length > 0) kept.exif = withUprightOrientation(meta.exif)
  if (meta.xmpAsString) kept.xmp = uprightXmp(meta.xmpAsString)
  if (meta.density !== undefined && meta.density > 0) kept.density = meta.density
  return kept
}

/** The ICC header's data colour space (bytes 16..19) must match the pixels' layout. */
function iccFits(icc: Buffer, channels: number): boolean {
  const space = icc.toString('latin1', 16, 20)
  return channels <= 2 ? space === 'GRAY' : space === 'RGB '
}

/** XMP can repeat the orientation (tiff:Orientation) and some viewers honour it: reset it too. */
function uprightXmp(xmp: string): string {
  return xmp
    .replace(/(tiff:Orientation\s*=\s*["'])[2-8](["'])/g, '$11$2')
    .replace(/(<tiff:Orientation>\s*)[2-8](\s*<\/tiff:Orientation>)/g, '$11$2')
}
