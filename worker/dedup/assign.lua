-- Atomically find the story of each article of a batch and index it, in order (Rasd dedup,
-- worker/dedup/index.py). One script per batch rather than per article: the per-call overhead of
-- EVALSHA and of redis-py encoding every argument was a large part of the cost; articles later in
-- the batch see the earlier ones exactly as with one script each.
-- No KEYS: every key is built here from the prefix, which carries a hash tag ({...}), so on a
-- cluster they all live on one node.
-- ARGV: 1 prefix,
--       2 the numbers "threshold window_ms now_ms slot_ms slots_looked_back max_ids_per_bucket
--         record_shards band_field_width bands signature_bytes" (space-separated),
--       then per article, packed for the whole batch: 3 article ids (comma-separated), 4 published
--       seconds (comma-separated), 5 exact fields (8 bytes each, concatenated), 6 exact shards
--       (comma-separated), 7 signatures (4-bit nibbles, concatenated), 8 band shards (comma-separated,
--       `bands` per article), 9 band fields (concatenated).
-- Returns {story_id, duplicate_of or -1, similarity string, 1 when it was already assigned} per
-- article, flattened.
local call = redis.call
local prefix = ARGV[1]
local num = {}
for v in string.gmatch(ARGV[2], '%S+') do num[#num + 1] = tonumber(v) end
local threshold, window, now = num[1], num[2], num[3]
local slot_ms, nslots = num[4], num[5]
local max_ids, rshards, width, nbands, siglen = num[6], num[7], num[8], num[9], num[10]
local slot = math.floor(now / slot_ms)
local expire_at = (slot + 1) * slot_ms + window

local function split(s)
  local out = {}
  for v in string.gmatch(s, '[^,]+') do out[#out + 1] = v end
  return out
end
local ids, pubs, hshards, bshards = split(ARGV[3]), split(ARGV[4]), split(ARGV[6]), split(ARGV[8])
local hfields, sigs, bfields = ARGV[5], ARGV[7], ARGV[9]

-- Key prefixes of the slots looked at, built once per batch.
local rprefix, hprefix, bprefix = {}, {}, {}
for s = slot + 1, slot - nslots, -1 do
  rprefix[s] = prefix .. ':r:' .. s .. ':'
  hprefix[s] = prefix .. ':h:' .. s .. ':'
  bprefix[s] = prefix .. ':b:' .. s .. ':'
end

-- An article's record lives in the slot it was indexed in, next to its bucket entries.
local function rec_key(s, aid)
  return rprefix[s] .. (tonumber(aid) % rshards)
end

local function parse(rec)
  local story, dup, sim, pub, head = string.match(rec, '^(%-?%d+):(%-?%d+):([^:]*):(%-?%d+):()')
  return story, dup, sim, tonumber(pub), string.sub(rec, head)
end

-- Estimated Jaccard of two 4-bit signatures, chance agreement (1/16) removed.
local function similarity(mine, other)
  local n = #mine
  if n ~= #other or n == 0 then return 0 end
  local theirs = {string.byte(other, 1, -1)}
  local same = 0
  for i = 1, n do
    local x, y = mine[i], theirs[i]
    if x == y then
      same = same + 2
    else
      local xl, yl = x % 16, y % 16
      if xl == yl then same = same + 1 end
      if x - xl == y - yl then same = same + 1 end
    end
  end
  local est = (same / (2 * n) - 1 / 16) / (1 - 1 / 16)
  if est < 0 then est = 0 end
  return est
end

local function assign(id, published, hfield, hshard, sig, band_shard, band_field)
  for s = slot + 1, slot - nslots, -1 do
    local existing = call('HGET', rec_key(s, id), id)
    if existing then
      local story, dup, sim = parse(existing)
      return story, dup, sim, 1
    end
  end

  local story, dup_of, sim = id, '-1', 0

  -- 1. exact duplicate: the earlier article with the same content hash
  for s = slot, slot - nslots, -1 do
    local v = call('HGET', hprefix[s] .. hshard, hfield)
    if v then
      local rec = call('HGET', rec_key(s, v), v)
      if rec then
        local st, _, _, pub = parse(rec)
        if math.abs(pub - published) * 1000 <= window then
          story, dup_of, sim = st, v, 1
          break
        end
      end
    end
  end

  -- 2. near duplicate: candidates from the LSH buckets, verified on their stored signatures
  local current = {}  -- this slot's bucket values, reused when inserting
  if dup_of == '-1' then
    local mine = {string.byte(sig, 1, -1)}
    local seen, best = {}, -1
    for i = 1, nbands do
      local shard, field = band_shard[i], band_field[i]
      for s = slot, slot - nslots, -1 do
        local v = call('HGET', bprefix[s] .. shard, field)
        if s == slot then current[i] = v or false end
        if v then
          for cand in string.gmatch(v, '[^,]+') do
            if not seen[cand] then
              seen[cand] = true
              local rec = call('HGET', rec_key(s, cand), cand)
              if rec then
                local st, _, _, pub, csig = parse(rec)
                if math.abs(pub - published) * 1000 <= window then
                  local j = similarity(mine, csig)
                  if j >= threshold and (j > best or (j == best and tonumber(st) < tonumber(story))) then
                    best, story, sim = j, st, j
                  end
                end
              end
            end
          end
        end
      end
    end
  end

  -- 3. index this article; every key of the slot expires when the slot has left the window
  local simstr = string.format('%.4f', sim)
  local rkey = rec_key(slot, id)
  if call('HSET', rkey, id, story .. ':' .. dup_of .. ':' .. simstr .. ':' .. math.floor(published) .. ':' .. sig) == 1 then
    call('PEXPIREAT', rkey, expire_at)
  end
  local hkey = hprefix[slot] .. hshard
  if call('HSETNX', hkey, hfield, id) == 1 then
    call('PEXPIREAT', hkey, expire_at)
  end
  for i = 1, nbands do
    local bkey = bprefix[slot] .. band_shard[i]
    local field = band_field[i]
    local v = current[i]
    if v == nil then v = call('HGET', bkey, field) or false end
    if not v then
      call('HSET', bkey, field, id)
      call('PEXPIREAT', bkey, expire_at)
    else
      local count = select(2, string.gsub(v, ',', ',')) + 1
      if count < max_ids then
        call('HSET', bkey, field, v .. ',' .. id)
      end
    end
  end
  return story, dup_of, simstr, 0
end

local out = {}
for a = 1, #ids do
  local band_shard, band_field = {}, {}
  local base = (a - 1) * nbands
  for i = 1, nbands do
    band_shard[i] = bshards[base + i]
    band_field[i] = string.sub(bfields, (base + i - 1) * width + 1, (base + i) * width)
  end
  local story, dup, sim, repeated = assign(
    ids[a], tonumber(pubs[a]), string.sub(hfields, (a - 1) * 8 + 1, a * 8), hshards[a],
    string.sub(sigs, (a - 1) * siglen + 1, a * siglen), band_shard, band_field)
  out[#out + 1] = story
  out[#out + 1] = dup
  out[#out + 1] = sim
  out[#out + 1] = repeated
end
return out
