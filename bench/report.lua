-- wrk script: optional POST body from the environment, and the percentiles we report.
local method = os.getenv("BENCH_METHOD")
local body_prefix = os.getenv("BENCH_BODY")
local counter = 0

request = function()
  if method == "POST" then
    counter = counter + 1
    local body = body_prefix .. "+" .. counter .. "+" .. math.random(1, 1000000000)
    return wrk.format("POST", nil, nil, body)
  end
  return wrk.format(nil)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format("BENCH requests=%d seconds=%.3f errors=%d p50=%d p95=%d p99=%d\n",
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
