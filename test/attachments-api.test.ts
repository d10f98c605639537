/**
 * Photos through the API: an upload is recognised from its bytes, stored re-encoded without
 * metadata, and served to its uploader alone while unattached; everything else is refused with
 * the contract's code and a Chinese message, and a refused upload leaves nothing behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import exifReader from 'exif-reader';
import sharp from 'sharp';
import { tempDir } from './support/processes';
import { fiftyMegapixelPng, HTML, multipartForm, noisyJpeg, phonePhoto, photoForm, plainImage, SVG, zipArchive, type FormPart } from './support/photos';
import { startStack, type Stack } from './support/stack';

let stack: Stack;
const folder = tempDir('whistle-attachments-api');

beforeAll(async () => {
  stack = await startStack({ noWorker: true, env: { STORAGE_URL: `file:${folder}`, ATTACHMENT_MAX_MB: '2' } });
});
afterAll(async () => {
  await stack?.stop();
  fs.rmSync(folder, { recursive: true, force: true });
});

async function upload(as: string | null, form: { payload: Buffer; contentType: string }) {
  const res = await stack.app.inject({
    method: 'POST', url: '/v1/attachments', payload: form.payload,
    headers: { ...(as ? { authorization: `Bearer dev-${as}` } : {}), 'content-type': form.contentType },
  });
  return { status: res.statusCode, body: res.json() };
}

async function fetchImage(as: string, url: string) {
  const res = await stack.app.inject({ method: 'GET', url, headers: { authorization: `Bearer dev-${as}` } });
  return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload, json: () => res.json() };
}

/** What is kept: rows of the table and files in the storage folder. */
async function kept(): Promise<{ rows: number; files: number }> {
  const { rows: [row] } = await stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM attachments');
  const files = ['images', 'thumbnails'].flatMap((d) => fs.existsSync(path.join(folder, d)) ? fs.readdirSync(path.join(folder, d)) : []);
  return { rows: row.n, files: files.length };
}

test('a phone photo is stored upright without EXIF or GPS, and served to its uploader with private, nosniff headers', async () => {
  const photo = await phonePhoto();
  expect(exifReader((await sharp(photo).metadata()).exif!).GPSInfo).toBeDefined();

  const res = await upload('xiguan', photoForm(photo, 'IMG_0001.JPG', 'image/jpeg'));
  expect(res.status).toBe(201);
  expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), contentType: 'image/jpeg', bytes: expect.any(Number), width: 200, height: 400 });
  const { id, bytes } = res.body;

  const image = await fetchImage('xiguan', `/v1/attachments/${id}`);
  expect(image.status).toBe(200);
  expect(image.headers).toMatchObject({ 'content-type': 'image/jpeg', 'cache-control': 'private', 'x-content-type-options': 'nosniff' });
  expect(image.bytes.length).toBe(bytes);
  const served = await sharp(image.bytes).metadata();
  expect({ width: served.width, height: served.height, exif: served.exif, xmp: served.xmp, orientation: served.orientation })
    .toEqual({ width: 200, height: 400, exif: undefined, xmp: undefined, orientation: undefined });
  // What sits in the storage is what is served: no GPS on disk either.
  const onDisk = fs.readFileSync(path.join(folder, 'images', id));
  expect(Buffer.compare(onDisk, image.bytes)).toBe(0);
  expect(onDisk.includes(Buffer.from('WhistlePhone'))).toBe(false);

  const thumbnail = await fetchImage('xiguan', `/v1/attachments/${id}/thumbnail`);
  expect(thumbnail.status).toBe(200);
  expect(thumbnail.headers).toMatchObject({ 'content-type': 'image/jpeg', 'cache-control': 'private', 'x-content-type-options': 'nosniff' });
  expect((await sharp(thumbnail.bytes).metadata()).width).toBeLessThanOrEqual(320);
});

test('a wide photo gets a thumbnail 320 px wide', async () => {
  const res = await upload('dongguan', photoForm(await plainImage('webp', 1200, 900), 'wide.webp', 'image/webp'));
  expect(res.body).toMatchObject({ contentType: 'image/webp', width: 1200, height: 900 });
  const thumbnail = await fetchImage('dongguan', `/v1/attachments/${res.body.id}/thumbnail`);
  expect(thumbnail.headers['content-type']).toBe('image/webp');
  expect(await sharp(thumbnail.bytes).metadata()).toMatchObject({ format: 'webp', width: 320, height: 240 });
});

test('the type comes from the bytes: a PNG named .jpg is a PNG, a JPEG declared image/png is a JPEG', async () => {
  const png = await upload('xiguan', photoForm(await plainImage('png'), 'photo.jpg', 'image/jpeg'));
  expect(png).toEqual({ status: 201, body: expect.objectContaining({ contentType: 'image/png', width: 64, height: 48 }) });
  expect((await fetchImage('xiguan', `/v1/attachments/${png.body.id}`)).headers['content-type']).toBe('image/png');

  const jpeg = await upload('xiguan', photoForm(await plainImage('jpeg'), 'photo.png', 'image/png'));
  expect(jpeg).toEqual({ status: 201, body: expect.objectContaining({ contentType: 'image/jpeg' }) });
  expect((await fetchImage('xiguan', `/v1/attachments/${jpeg.body.id}`)).headers['content-type']).toBe('image/jpeg');
});

test('every role that works on whistles and help requests may upload', async () => {
  for (const account of ['xiguan', 'wuhang', 'center', 'supervision', 'xiguan-member-1', 'xiguan-resident-1']) {
    const res = await upload(account, photoForm(await plainImage('jpeg')));
    expect({ account, status: res.status }).toEqual({ account, status: 201 });
  }
  const { rows } = await stack.pool.query("SELECT id FROM accounts WHERE role = 'department' LIMIT 1");
  expect((await upload(rows[0].id, photoForm(await plainImage('jpeg')))).status).toBe(201);
});

test('an unattached photo is seen by its uploader alone: not_found for anyone else, and for ids that do not exist', async () => {
  const { body: { id } } = await upload('xiguan', photoForm(await plainImage('jpeg')));
  for (const other of ['dongguan', 'wuhang', 'center', 'supervision', 'xiguan-member-1']) {
    for (const url of [`/v1/attachments/${id}`, `/v1/attachments/${id}/thumbnail`]) {
      const res = await fetchImage(other, url);
      expect({ other, url, status: res.status, code: res.json().error.code }).toEqual({ other, url, status: 404, code: 'not_found' });
      expect(res.json().error.messageZh).toBe('没有找到该照片');
    }
  }
  expect((await fetchImage('xiguan', '/v1/attachments/000000000000000000000000')).status).toBe(404);
  expect((await fetchImage('xiguan', '/v1/attachments/not..an..id')).status).toBe(400);
  const anonymous = await stack.app.inject({ method: 'GET', url: `/v1/attachments/${id}` });
  expect(anonymous.statusCode).toBe(401);
});

describe('refused uploads: the contract\'s code, a Chinese message, and nothing stored', () => {
  const cases: Array<[string, () => Promise<FormPart[]>, number, string]> = [
    ['an SVG', async () => [{ name: 'file', filename: 'map.svg', contentType: 'image/svg+xml', body: SVG }], 415, 'unsupported_media'],
    ['an SVG named .jpg', async () => [{ name: 'file', filename: 'photo.jpg', contentType: 'image/jpeg', body: SVG }], 415, 'unsupported_media'],
    ['an HTML page named .png', async () => [{ name: 'file', filename: 'photo.png', contentType: 'image/png', body: HTML }], 415, 'unsupported_media'],
    ['a zip', async () => [{ name: 'file', filename: 'photos.zip', contentType: 'application/zip', body: zipArchive() }], 415, 'unsupported_media'],
    ['a truncated JPEG', async () => {
      const whole = await noisyJpeg();
      return [{ name: 'file', filename: 'cut.jpg', contentType: 'image/jpeg', body: whole.subarray(0, Math.floor(whole.length / 2)) }];
    }, 415, 'unsupported_media'],
    ['a 50-megapixel image', async () => [{ name: 'file', filename: 'huge.png', contentType: 'image/png', body: await fiftyMegapixelPng() }], 413, 'payload_too_large'],
    ['a file over ATTACHMENT_MAX_MB', async () => [{
      name: 'file', filename: 'big.jpg', contentType: 'image/jpeg', body: Buffer.concat([await noisyJpeg(), Buffer.alloc(2 * 1024 * 1024)]),
    }], 413, 'payload_too_large'],
    ['ten photos in one call', async () => {
      const one = await plainImage('jpeg');
      return Array.from({ length: 10 }, (_, i) => ({ name: 'file', filename: `p${i}.jpg`, contentType: 'image/jpeg', body: one }));
    }, 400, 'validation_failed'],
    ['no file part', async () => [{ name: 'note', body: '楼道照片' }], 400, 'validation_failed'],
    ['a photo under another name', async () => [{ name: 'photo', filename: 'p.jpg', contentType: 'image/jpeg', body: await plainImage('jpeg') }], 400, 'validation_failed'],
    ['a field named file, not a file', async () => [{ name: 'file', body: 'not a file' }], 400, 'validation_failed'],
    ['a photo with another field', async () => [
      { name: 'file', filename: 'p.jpg', contentType: 'image/jpeg', body: await plainImage('jpeg') }, { name: 'note', body: 'x' },
    ], 400, 'validation_failed'],
  ];

  test.each(cases)('%s', async (what, parts, status, code) => {
    const zh = ['ten photos in one call', 'a photo under another name'].includes(what);
    const before = await kept();
    const res = await upload('xiguan', multipartForm(await parts()));
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
    // Refusals of the photo say why in Chinese; the form's shape is the schema's (validation_failed, English).
    if (status !== 400 || zh) expect(res.body.error.messageZh).toMatch(/[\u4e00-\u9fff]/);
    expect(await kept()).toEqual(before);
  });

  test('a body that is not a form', async () => {
    const before = await kept();
    const json = await stack.call('xiguan', 'POST', '/v1/attachments', { file: { type: 'file', filename: 'x.jpg' } });
    expect({ status: json.status, code: json.body.error.code }).toEqual({ status: 400, code: 'validation_failed' });
    const raw = await stack.app.inject({
      method: 'POST', url: '/v1/attachments', payload: await plainImage('jpeg'), headers: { authorization: 'Bearer dev-xiguan', 'content-type': 'image/jpeg' },
    });
    expect(raw.statusCode).toBe(400);
    const empty = await stack.app.inject({ method: 'POST', url: '/v1/attachments', headers: { authorization: 'Bearer dev-xiguan' } });
    expect(empty.statusCode).toBe(400);
    expect(await kept()).toEqual(before);
  });

  test('a form cut short, or with a boundary that never comes, is 400', async () => {
    const before = await kept();
    const form = photoForm(await noisyJpeg());
    for (const payload of [form.payload.subarray(0, Math.floor(form.payload.length / 2)), Buffer.from('no boundary here at all')]) {
      const res = await stack.app.inject({
        method: 'POST', url: '/v1/attachments', payload, headers: { authorization: 'Bearer dev-xiguan', 'content-type': form.contentType },
      });
      expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 400, code: 'validation_failed' });
    }
    const noBoundary = await stack.app.inject({
      method: 'POST', url: '/v1/attachments', payload: form.payload, headers: { authorization: 'Bearer dev-xiguan', 'content-type': 'multipart/form-data' },
    });
    expect(noBoundary.statusCode).toBe(400);
    expect(await kept()).toEqual(before);
  });

  test('without a key nothing is read: 401', async () => {
    const before = await kept();
    expect((await upload(null, photoForm(await plainImage('jpeg')))).status).toBe(401);
    expect(await kept()).toEqual(before);
  });
});
