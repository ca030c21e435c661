-- Interpreter-in-a-translator benchmark: Lua loops, tables, strings and closures.
--     lua5.4 loop.lua [PERCENT]     -- the amount of work in percent of the default
local pct = tonumber(arg and arg[1]) or 100
local function scaled(n) return math.max(1, n * pct // 100) end
local t, acc = {}, 0
for i = 1, scaled(6000000) do acc = (acc + i * i) % 1000003 end
local n = scaled(200000)
for i = 1, n do t[i] = (i * 7919) % 100003 end
table.sort(t)
local parts = {}
for i = 1, n // 2 do parts[#parts + 1] = string.format("%d:%x", i, t[i]) end
local s = table.concat(parts, ",")
local count = 0
for _ in s:gmatch("%d+:") do count = count + 1 end
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local f = 0
for _ = 1, scaled(4) do f = f + fib(25) end
print(acc, t[1], t[#t], #s, count, f)
