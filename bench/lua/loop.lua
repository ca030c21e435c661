-- Interpreter-in-a-translator benchmark: Lua loops, tables, strings and closures.
local t, acc = {}, 0
for i = 1, 6000000 do acc = (acc + i * i) % 1000003 end
for i = 1, 200000 do t[i] = (i * 7919) % 100003 end
table.sort(t)
local parts = {}
for i = 1, 100000 do parts[#parts + 1] = string.format("%d:%x", i, t[i]) end
local s = table.concat(parts, ",")
local count = 0
for _ in s:gmatch("%d+:") do count = count + 1 end
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(acc, t[1], t[#t], #s, count, fib(27))
