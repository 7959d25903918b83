"""The dispatch benchmark's verdicts and its report: what the referee (the fake provider) saw
against what the outbox holds, the targets, and the printed table."""

RATE_TARGET = 0.80  # of the provider's allowed rate
MEMORY_TARGET_MB = 250  # peak RSS of a worker process


def outcome(rows, provider_stats, *, expected_digests) -> dict:
    """What the referee saw against what the outbox holds. `rows`: (id, status) of every row."""
    accepted = provider_stats["references"]
    ids = {str(notification_id) for notification_id, _status in rows}
    not_sent = sorted(int(notification_id) for notification_id, status in rows if status != "sent")
    never_accepted = sorted(int(notification_id) for notification_id in ids if notification_id not in accepted)
    lost = sorted(set(not_sent) | set(never_accepted))
    doubled = sorted(int(reference) for reference, times in accepted.items() if times > 1 and reference.isdigit())
    strangers = sorted(reference for reference in accepted if reference not in ids)
    garbled = sorted(reference for reference, digest in provider_stats["digests"].items()
                     if digest not in expected_digests)  # fmt: skip
    return {
        "lost": len(lost),
        "lost_ids": lost[:20],
        "not_sent": len(not_sent),
        "never_accepted": len(never_accepted),
        "doubled": len(doubled),
        "doubled_ids": doubled[:20],
        "strangers": len(strangers),
        "garbled": len(garbled),
    }


def judge(result) -> dict:
    memory_peak = max((tree["process_peak_rss_mb"] for tree in result["memory"]), default=0.0)
    return {
        "exactly_once": not result["lost"] and not result["doubled"] and not result["timed_out"]
        and not result["strangers"] and not result["garbled"],
        "rate": result["rate_ratio"] >= RATE_TARGET,
        "memory": memory_peak <= MEMORY_TARGET_MB,
    }


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def format_report(result) -> str:
    verdicts = judge(result)
    seed = result["seed"]
    lines = [
        f"Dispatch: {result['messages']:,} SMS through the outbox, {result['workers']} Celery workers x "
        f"{result['concurrency']} (prefork), the portal's TwilioSmsBackend against a fake Twilio on 127.0.0.1",
        f"  seeded in {seed['seed_seconds'] + seed['outbox_seconds']:.0f} s, {seed['published']:,} rows published "
        f"in {seed.get('publish_seconds', 0):.0f} s; workers ready in {result['workers_ready_seconds']:.0f} s",
        f"  provider rate (allowed)  {result['rate']:>10,.0f} /s",
        f"  achieved rate            {result['achieved_rate']:>10,.1f} /s  ({result['accepted']:,} accepted from the first "
        f"to the last in {result['wall_seconds']:,.1f} s)",
        f"  achieved / allowed       {result['rate_ratio']:>10.3f}     target >= {RATE_TARGET:.2f}: "
        f"{_verdict(verdicts['rate'])}",
        f"  429s answered            {result['rate_limited']:>10,}     (requests {result['provider_requests']:,}; "
        f"other refusals {result['refused_other']:,})",
        f"  attempts                 {result['attempts']['total']:>10,}     (rows tried more than once "
        f"{result['attempts']['rows_tried_again']:,}, most tries of a row {result['attempts']['max']})",
        f"  rows the tasks took      {sum(result['task_outcomes'].values()):>10,}     ("
        + ", ".join(f"{name} {count:,}" for name, count in sorted(result["task_outcomes"].items()))
        + "; skipped: published again by the sweep while still queued, or found taken)",
        f"  sweep published again    {result['sweep_republished']:>10,}     (tasks for rows never tried, older than the "
        f"sweep's grace period; still queued at the end: {result['queue_left']:,})",
        f"  rows                     {', '.join(f'{status} {count:,}' for status, count in sorted(result['rows'].items()))}",
        f"  lost                     {result['lost']:>10,}     (rows not sent {result['not_sent']:,}, never accepted "
        f"{result['never_accepted']:,}){'  ids ' + str(result['lost_ids']) if result['lost'] else ''}",
        f"  doubled                  {result['doubled']:>10,}{'     ids ' + str(result['doubled_ids']) if result['doubled'] else ''}",
        f"  unknown or garbled       {result['strangers'] + result['garbled']:>10,}",
        f"  exactly once             {_verdict(verdicts['exactly_once'])}"
        + ("  (timed out)" if result["timed_out"] else ""),
    ]
    for number, tree in enumerate(result["memory"], start=1):
        lines.append(
            f"  worker {number} memory          peak RSS of a process {tree['process_peak_rss_mb']:.0f} MB (main "
            f"{tree['main_peak_rss_mb']:.0f} MB), tree of {tree['processes']} processes: peak RSS sum "
            f"{tree['tree_peak_rss_mb']:.0f} MB, peak PSS sum {tree['tree_peak_pss_mb']:.0f} MB"
        )
    lines.append(f"  memory (process <= {MEMORY_TARGET_MB} MB RSS) {_verdict(verdicts['memory'])}")
    cpu = result["cpu_seconds"]
    per_message = {name: seconds * 1000 / max(result["accepted"], 1) for name, seconds in cpu.items()}
    lines.append(
        f"  CPU per message (ms)     {sum(per_message.values()):.1f} in all: "
        + ", ".join(f"{name} {ms:.1f}" for name, ms in per_message.items())
        + f" ({sum(cpu.values()):,.0f} CPU s in {result['run_seconds']:,.0f} s on {result['machine']['cpus']} CPUs;"
        " postgres counts the backends alive at a sample, every half second: connections opened and closed"
        " in between are missed)"
    )
    machine = result["machine"]
    lines.append(f"  run {result['run_seconds']:,.0f} s; load average {machine['loadavg_before'][0]:.1f} before, "
                 f"{machine.get('loadavg_after', [float('nan')])[0]:.1f} after, {machine['cpus']} CPUs; "
                 f"worker log errors {result['worker_logs_errors']:,}")  # fmt: skip
    return "\n".join(lines)
