import assert from 'node:assert/strict'
import { sign, verify } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { certificateSerial, toPrivateKey, toPublicKey } from '@looklook/wechat'
import { ensureKeys, KEY_FILES } from '../src/keys.ts'
import { readKey } from './support.ts'

const root = mkdtempSync(join(tmpdir(), 'wechat-keys-'))
after(() => rmSync(root, { recursive: true, force: true }))

test('two processes generating at once end up with one consistent key set', async () => {
  const dir = join(root, 'race', 'wechat')
  const [a, b] = await Promise.all([ensureKeys(dir, { mchId: '1900000109' }), ensureKeys(dir, { mchId: '1900000109' })])
  assert.equal(a.merchant.serialNo, b.merchant.serialNo)
  assert.equal(a.platformCert.serialNo, b.platformCert.serialNo)
  assert.equal(a.publicKey.id, b.publicKey.id)
  assert.equal(a.apiV3Key, b.apiV3Key)
  assert.deepEqual(readdirSync(join(root, 'race')), ['wechat'], 'no temporary directories left behind')

  const again = await ensureKeys(dir, { mchId: '1900000109' })
  assert.equal(again.merchant.serialNo, a.merchant.serialNo, 'an existing set is reused')
})

test('the files hold what services read: matching serials, a working merchant key pair, a 32-byte APIv3 key', async () => {
  const keys = await ensureKeys(join(root, 'layout'), { mchId: '1900000109' })
  for (const f of Object.values(KEY_FILES)) assert.ok(statSync(join(keys.dir, f)).isFile(), f)
  assert.equal(statSync(keys.paths.merchantKey).mode & 0o777, 0o600)
  assert.equal(certificateSerial(readKey(keys.paths.merchantCert)), readKey(keys.paths.merchantSerial).trim())
  assert.equal(certificateSerial(readKey(keys.paths.platformCert)), readKey(keys.paths.platformSerial).trim())
  assert.match(readKey(keys.paths.merchantSerial).trim(), /^[0-9A-F]{40}$/)
  assert.match(readKey(keys.paths.publicKeyId).trim(), /^PUB_KEY_ID_01\d+$/)
  assert.equal(Buffer.byteLength(readKey(keys.paths.apiV3Key).trim()), 32)
  const sig = sign('sha256', Buffer.from('m'), toPrivateKey(readKey(keys.paths.merchantKey)))
  assert.ok(verify('sha256', Buffer.from('m'), toPublicKey(readKey(keys.paths.merchantCert)), sig))
  // The published WeChat Pay public key is the pair of the key the sandbox signs with.
  const psig = sign('sha256', Buffer.from('p'), toPrivateKey(readKey(keys.paths.publicKeyPrivateKey)))
  assert.ok(verify('sha256', Buffer.from('p'), toPublicKey(readKey(keys.paths.publicKey)), psig))
  assert.ok(keys.platformCert.notAfter.getTime() - Date.now() > 4 * 365 * 24 * 3600 * 1000)
})

test('a configured APIv3 key is used for a new set and must match an existing one; incomplete directories are refused', async () => {
  const dir = join(root, 'configured')
  const key = 'Z'.repeat(32)
  assert.equal((await ensureKeys(dir, { mchId: '1900000109', apiV3Key: key })).apiV3Key, key)
  await assert.rejects(ensureKeys(dir, { mchId: '1900000109', apiV3Key: 'Y'.repeat(32) }), /differs/)
  await assert.rejects(ensureKeys(join(root, 'short'), { mchId: '1900000109', apiV3Key: 'short' }), /32 characters/)
  unlinkSync(join(dir, KEY_FILES.publicKeyId))
  await assert.rejects(ensureKeys(dir, { mchId: '1900000109' }), /incomplete .*pub_key_id/)
})
