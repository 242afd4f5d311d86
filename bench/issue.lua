-- issue.lua -- wrk script: POST /api/v1/booklets, a new person each time.
-- TOKEN and PROGRAMME come from the environment (bench/bench_issue.sh).
local token = os.getenv("TOKEN")
local programme = os.getenv("PROGRAMME")
local counter = 0

function setup(thread)
	thread:set("tid", math.random(1, 1e9))
end

function request()
	counter = counter + 1
	local body = string.format('{"programme": %s, "beneficiary": {"ref": '
	    .. '"B-%d-%d", "pathway": "rsa", "age_band": "26-44", '
	    .. '"commune": "Nantes"}}', programme, tid, counter)
	return wrk.format("POST", "/api/v1/booklets", {
		["Authorization"] = "Bearer " .. token,
		["Content-Type"] = "application/json",
	}, body)
end

function done(summary, latency, requests)
	io.write(string.format("wrk: %d requests, %d errors (non-2xx: %d)\n",
	    summary.requests, summary.errors.status + summary.errors.connect
	    + summary.errors.read + summary.errors.write
	    + summary.errors.timeout, summary.errors.status))
	io.write(string.format("wrk-latency-us p50 %d p99 %d\n",
	    latency:percentile(50), latency:percentile(99)))
end
