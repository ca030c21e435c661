-- Lua 5.4 workout for tests/run: run by Debian's i386 lua5.4 natively and under xrun, and the
-- outputs compared. Deterministic: no addresses, no pairs() order on hash keys, fixed times.

local function section(name) io.write("== ", name, "\n") end

local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks, function(a, b) return tostring(a) < tostring(b) end)
  return ks
end

section("strings")
local s = "The quick brown fox jumps over the lazy dog"
print(#s, s:upper(), s:lower():sub(5, 9), s:rep(2, "|"):len())
print(s:find("fox"), s:find("o", 20, true), s:match("(%a+) dog"), s:byte(1, 3))
print((s:gsub("o", "0")), select(2, s:gsub("%s", "")))
for w in s:gmatch("%a+") do io.write(w:reverse(), " ") end
io.write("\n")
print(string.format("%5d|%-6s|%x|%X|%o|%e|%.3f|%g|%q|%s|%%", 42, "ab", 255, 255, 8, 12345.678,
  math.pi, 1e20, "quote\"d\n", nil))
print(string.format("%10.4f|%-10d|%+d|%05d|%c%c%c", -3.14159, 7, 5, 42, 76, 117, 97))
print(("x"):rep(3), ("abc"):sub(-2), ("  trim  "):match("^%s*(.-)%s*$"), #("\u{48}\u{20AC}"))
print(string.pack and #string.pack("i4i8d", 1, 2, 3.0), utf8.char(72, 8364, 128512), utf8.len("h\u{20AC}"))
print(table.concat({1, 2, 3, "four"}, ", "), tostring(12) .. "px", tonumber("0x1F"), tonumber("z", 36))

section("tables")
local t = {}
for i = 1, 20 do t[i] = (i * 7) % 11 end
table.sort(t)
print(table.concat(t, " "))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " ", 1, 5))
table.insert(t, 1, 100); table.insert(t, 99); print(#t, table.remove(t), table.remove(t, 1), #t)
print(table.unpack({10, 20, 30}))
local moved = table.move({1, 2, 3, 4, 5}, 2, 4, 1, {})
print(#moved, moved[1], moved[3])
local dict = {apple = 3, banana = 5, cherry = 7, [1.5] = "float key", [true] = "bool key"}
for _, k in ipairs(sorted_keys(dict)) do io.write(tostring(k), "=", tostring(dict[k]), " ") end
io.write("\n")
local mt = setmetatable({}, {__index = function(_, k) return k * 2 end,
  __call = function(self, x) return x + 1 end, __tostring = function() return "custom" end})
print(mt[21], mt(41), tostring(mt), rawget(mt, 21))
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, V) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x < b.x end
V.__len = function(a) return math.sqrt(a.x * a.x + a.y * a.y) end
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
local w = vec(1, 2) + vec(3, 4)
print(w.x, w.y, w == vec(4, 6), vec(1, 0) < vec(2, 0), #vec(3, 4))

section("closures")
local function counter()
  local n = 0
  return function(step) n = n + (step or 1); return n end
end
local c1, c2 = counter(), counter()
c1(); c1(5); c2(10)
print(c1(), c2())
local adders = {}
for i = 1, 5 do adders[i] = function(x) return x + i end end
print(adders[1](10), adders[5](10))
local function compose(f, g) return function(...) return f(g(...)) end end
print(compose(function(x) return x * 2 end, function(a, b) return a + b end)(3, 4))
local function varsum(...)
  local s = 0
  for _, v in ipairs({...}) do s = s + v end
  return s, select("#", ...)
end
print(varsum(1, 2, 3, 4.5))

section("coroutines")
local gen = coroutine.wrap(function()
  for i = 1, 5 do coroutine.yield(i * i) end
  return "done"
end)
for _ = 1, 6 do io.write(tostring(gen()), " ") end
io.write("\n")
local co = coroutine.create(function(a, b)
  local c = coroutine.yield(a + b)
  local d, e = coroutine.yield(c * 2)
  return d + e
end)
print(coroutine.resume(co, 1, 2))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.resume(co), coroutine.status(co))
local function producer()
  return coroutine.create(function()
    for _, w2 in ipairs({"alpha", "beta", "gamma"}) do coroutine.yield(w2) end
  end)
end
local p = producer()
while true do
  local ok, v = coroutine.resume(p)
  if not v then break end
  io.write(v:upper(), ";")
end
io.write(" ", coroutine.status(p), "\n")

section("math")
print(math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger)
print(7 // 2, -7 // 2, 7 % -3, -7 % 3, 7.5 // 2, 2^10, 10 / 4, 3 | 5, 6 & 3, 5 ~ 1, ~0, 1 << 62, 256 >> 4)
print(math.floor(-3.5), math.ceil(-3.5), math.abs(-2^63), math.fmod(7, 3), math.fmod(-7, 3))
print(string.format("%.10f %.10f %.10f %.10f", math.sqrt(2), math.sin(1), math.exp(1), math.log(10)))
print(string.format("%.6f %.6f %.6f", math.atan(1, 2), math.cos(math.pi / 3), math.log(8, 2)))
print(math.type(1), math.type(1.0), math.type("1"), math.tointeger(3.0), 1e308 * 10, -(0/0) ~= -(0/0))
print(3 == 3.0, 1 < 1.5, math.ult(1, -1), 0.1 + 0.2 == 0.3, string.format("%.17g", 0.1 + 0.2))
print(tostring(1e15), tostring(1e16), tostring(2^53), tostring(-0.0), 100000000000000)
print(string.format("%d %s", 3, 2^31), math.floor(2^31 + 0.5), 5 // 0.0, -5 // 0.0)

section("errors")
print(pcall(error, "plain message", 0))
local okt, et = pcall(error, {code = 42})
print(okt, type(et), et.code)
local ok, err = pcall(function() local x = nil; return x.field end)
print(ok, (err:gsub("^.-:%d+: ", "")))
print(select(2, pcall(error)))
print(xpcall(function() error("deep", 0) end, function(m) return "handled: " .. m end))
local ok2, e2 = pcall(function() error(setmetatable({}, {__tostring = function() return "E!" end})) end)
print(ok2, tostring(e2))
print(pcall(string.rep))
print(select("#", pcall(function() return 1, 2, 3 end)))

section("os and io")
print(os.time({year = 2000, month = 1, day = 1, hour = 0}))
print(os.time({year = 2024, month = 2, day = 29, hour = 12, min = 30, sec = 15}))
print(os.date("!%Y-%m-%d %H:%M:%S %A %j", 1000000000))
print(os.date("!%c", 0))
local d = os.date("!*t", 1234567890)
print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.wday, d.yday, d.isdst)
print(type(os.clock()), os.getenv("SUITE"), os.getenv("NO_SUCH_VARIABLE"))
io.write("io.write ", 1, " ", 2.5, "\n")
local name = os.tmpname()
local f = assert(io.open(name, "w"))
f:write("line one\n", "line two\n", 12345, "\n")
f:close()
for line in io.lines(name) do io.write("[", line, "] ") end
io.write("\n")
f = assert(io.open(name, "r"))
print(f:read("l"), f:read("n"), f:seek("end"))
f:close()
print(os.remove(name), io.open(name) == nil)
print(select(2, io.open("/nonexistent/file")))

section("benchmark-ish loop")
local acc, primes = 0, 0
for i = 1, 300000 do
  acc = (acc * 31 + i) % 1000000007
end
local sieve = {}
for i = 2, 20000 do
  if not sieve[i] then
    primes = primes + 1
    for j = i * i, 20000, i do sieve[j] = true end
  end
end
local words = {}
for i = 1, 2000 do words[#words + 1] = string.format("w%04d", (i * 7919) % 2000) end
table.sort(words)
local fl = 0.0
for i = 1, 100000 do fl = fl + 1.0 / (i * i) end
local fibs = {}
local function fib(n) if n < 2 then return n end; if fibs[n] then return fibs[n] end
  local v = fib(n - 1) + fib(n - 2); fibs[n] = v; return v end
print(acc, primes, words[1], words[#words], string.format("%.12f", fl), fib(80))
