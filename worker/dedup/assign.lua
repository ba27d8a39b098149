-- Atomically find the story of one article and index it (Rasd dedup, worker/dedup/index.py).
-- No KEYS: every key is built here from the prefix, which carries a hash tag ({...}), so on a
-- cluster they all live on one node.
-- ARGV: 1 prefix, 2 article id, 3 exact field (8 bytes), 4 exact shard, 5 signature (4-bit nibbles),
--       6 the numbers "threshold window_ms now_ms slot_ms slots_looked_back published_s max_ids_per_bucket
--       record_shards band_field_width" (space-separated), 7 band shards (comma-separated), 8 band fields
--       (concatenated). Packed rather than one argument each: redis-py encodes every argument in Python,
--       and that was most of the client's cost per article.
-- Returns {story_id, duplicate_of or -1, similarity string, 1 when it was already assigned}.
local call = redis.call
local prefix, id, hfield, hshard, sig = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local num = {}
for v in string.gmatch(ARGV[6], '%S+') do num[#num + 1] = tonumber(v) end
local threshold, window, now = num[1], num[2], num[3]
local slot_ms, nslots, published = num[4], num[5], num[6]
local max_ids, rshards, width = num[7], num[8], num[9]
local band_shard, band_field, nbands = {}, {}, 0
do
  local fields = ARGV[8]
  for shard in string.gmatch(ARGV[7], '[^,]+') do
    band_shard[nbands] = shard
    band_field[nbands] = string.sub(fields, nbands * width + 1, (nbands + 1) * width)
    nbands = nbands + 1
  end
end
local slot = math.floor(now / slot_ms)

-- An article's record lives in the slot it was indexed in, next to its bucket entries.
local function rec_key(s, aid)
  return prefix .. ':r:' .. s .. ':' .. (tonumber(aid) % rshards)
end

local function parse(rec)
  local story, dup, sim, pub, head = string.match(rec, '^(%-?%d+):(%-?%d+):([^:]*):(%-?%d+):()')
  return story, dup, sim, tonumber(pub), string.sub(rec, head)
end

for s = slot + 1, slot - nslots, -1 do
  local existing = call('HGET', rec_key(s, id), id)
  if existing then
    local story, dup, sim = parse(existing)
    return {story, dup, sim, 1}
  end
end

-- Estimated Jaccard of two 4-bit signatures, chance agreement (1/16) removed.
local mine = {string.byte(sig, 1, -1)}
local function similarity(other)
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

local story, dup_of, sim = id, '-1', 0

-- 1. exact duplicate: the earlier article with the same content hash
for s = slot, slot - nslots, -1 do
  local v = call('HGET', prefix .. ':h:' .. s .. ':' .. hshard, hfield)
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
local bprefix = {}
for s = slot, slot - nslots, -1 do bprefix[s] = prefix .. ':b:' .. s .. ':' end
if dup_of == '-1' then
  local seen, best = {}, -1
  for i = 0, nbands - 1 do
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
                local j = similarity(csig)
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
local expire_at = (slot + 1) * slot_ms + window
local simstr = string.format('%.4f', sim)
local rkey = rec_key(slot, id)
if call('HSET', rkey, id, story .. ':' .. dup_of .. ':' .. simstr .. ':' .. math.floor(published) .. ':' .. sig) == 1 then
  call('PEXPIREAT', rkey, expire_at)
end
local hkey = prefix .. ':h:' .. slot .. ':' .. hshard
if call('HSETNX', hkey, hfield, id) == 1 then
  call('PEXPIREAT', hkey, expire_at)
end
for i = 0, nbands - 1 do
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
return {story, dup_of, simstr, 0}
