#!/bin/sh
# Demo worker: takes jobs from the web app, then crashes on the third one, the way celery
# sometimes does. vagga notices at once and stops the web server too (stop-on-failure).
port=${APP_PORT:-8080}
for job in 1 2 3; do
    # wait until the web server answers (it starts in parallel, in its own container)
    tries=0
    until page=$(busybox wget -q -O - "http://127.0.0.1:$port/job$job.txt" 2>/dev/null); do
        tries=$((tries + 1))
        [ "$tries" -gt 50 ] && { echo "worker: web server is not answering"; exit 2; }
        sleep 0.1
    done
    echo "worker: job $job: $page"
    sleep 1
    if [ "$job" = 3 ]; then
        echo "worker: job $job: out of memory, crashing" >&2
        exit 1
    fi
done
