-- wrk script of bench-recipient.sh: each request opens the next of the link pages listed, one path
-- a line, in $BENCH_PAGE_PATHS, so that concurrent views fall on many documents.
local paths = {}
for line in io.lines(os.getenv("BENCH_PAGE_PATHS")) do paths[#paths + 1] = line end
local next_path = 0

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end
