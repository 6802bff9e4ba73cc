-- The Lua program of the Programs suite: allocation-heavy Lua, every result printed is the same on
-- every run (no clocks, no addresses, no pairs() order reaches the output).
--   1. binary trees: many short-lived trees of tables, one long-lived tree kept alongside;
--   2. strings: building, concatenating, gsub/format/rep over many small strings;
--   3. a table of tables: records with closures, grouped, sorted and rebuilt.
-- Usage: lua5.4 lua.lua. The last line counts the work in "units" (the benchmark's ops).

local units = 0 -- one unit: one table, closure or string made on purpose by the loops below

-- 1. Binary trees ----------------------------------------------------------------------------
local function bottom_up(depth)
    units = units + 1
    if depth == 0 then return {} end
    depth = depth - 1
    return { bottom_up(depth), bottom_up(depth) }
end

local function check(tree)
    local left, right = tree[1], tree[2]
    if left == nil then return 1 end
    return 1 + check(left) + check(right)
end

local function binary_trees(max_depth)
    local min_depth = 4
    local long_lived = bottom_up(max_depth)
    local total = 0
    for depth = min_depth, max_depth, 2 do
        local iterations = 1 << (max_depth - depth + min_depth)
        local sum = 0
        for _ = 1, iterations do
            sum = sum + check(bottom_up(depth))
        end
        print(string.format("trees: %d trees of depth %d, check %d", iterations, depth, sum))
        total = total + sum
    end
    print(string.format("trees: long-lived tree of depth %d, check %d", max_depth, check(long_lived)))
    return total
end

-- 2. Strings -----------------------------------------------------------------------------------
local function strings(rounds)
    local words = { "alloc", "free", "arena", "span", "page", "slab", "chunk", "bin", "heap", "cache" }
    local digest = 0
    local longest = 0
    for r = 1, rounds do
        local parts = {}
        for i = 1, 40 do
            local w = words[(r * 7 + i * 3) % #words + 1]
            parts[i] = string.format("%s-%d:%s", w, (r * i) % 1000, string.rep(w:sub(1, 2), 1 + (i + r) % 5))
            units = units + 1
        end
        local line = table.concat(parts, " ")
        local swapped = line:gsub("(%a+)%-(%d+)", "%2=%1")
        local upper = swapped:upper():gsub("A", "4"):gsub("E", "3")
        local pieces = 0
        for token in upper:gmatch("[^ ]+") do
            pieces = pieces + #token
            units = units + 1
        end
        local reversed = upper:reverse()
        digest = (digest * 31 + pieces + reversed:byte(1) + #swapped) % 1000000007
        if #upper > longest then longest = #upper end
        units = units + 5
    end
    print(string.format("strings: %d rounds, digest %d, longest line %d", rounds, digest, longest))
    return digest
end

-- 3. A table of tables ---------------------------------------------------------------------------
local function records(count, passes)
    local digest = 0
    for pass = 1, passes do
        local rows = {}
        for i = 1, count do
            local base = (i * 2654435761 + pass) % 1000003
            local row = {
                id = i,
                key = "k" .. (base % 5003),
                weight = base % 97,
                tags = { base % 7, base % 11, base % 13 },
            }
            row.score = function(bias) return row.weight * 3 + #row.tags + bias end
            rows[i] = row
            units = units + 3
        end
        -- group by key into fresh tables
        local groups, keys = {}, {}
        for i = 1, count do
            local row = rows[i]
            local group = groups[row.key]
            if group == nil then
                group = { key = row.key, members = {}, total = 0 }
                groups[row.key] = group
                keys[#keys + 1] = row.key
                units = units + 2
            end
            group.members[#group.members + 1] = row
            group.total = group.total + row.score(pass)
        end
        table.sort(keys)
        -- rebuild: the heaviest groups, sorted by total then key, each flattened into a new array
        local list = {}
        for _, key in ipairs(keys) do list[#list + 1] = groups[key] end
        table.sort(list, function(a, b)
            if a.total ~= b.total then return a.total > b.total end
            return a.key < b.key
        end)
        for g = 1, math.min(#list, 200) do
            local flat = {}
            for _, row in ipairs(list[g].members) do
                flat[#flat + 1] = row.id
                flat[#flat + 1] = row.tags[1] + row.tags[2] + row.tags[3]
            end
            units = units + 1
            digest = (digest * 131 + #flat + list[g].total) % 1000000007
        end
        digest = (digest + #keys + #list[1].members) % 1000000007
    end
    print(string.format("records: %d passes of %d rows, digest %d", passes, count, digest))
    return digest
end

binary_trees(15)
strings(12000)
records(60000, 5)
print(string.format("units: %d", units))
