"""Checks issue 19's verdict over a repeated connect ladder (summarize.graceful_degradation, tool_proc_cpu, storm_steps)
on hand-made steps and run files: medians per rate, the peak below the tool's saturation, the spread.

Run: python3 -m unittest benchmarks/scenarios/test_summarize_ladder.py (no dependency beyond Python 3).
"""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import summarize  # noqa: E402


def step(rate, rep, order, admitted, lag_p50=1.0, sessions=1000, connected=1000):
    return {"step": "storm-%d-r%d" % (rate, rep), "repetition": rep, "order": order, "rateRequested": float(rate),
            "sessions": sessions, "connected": connected, "failed": sessions - connected,
            "admittedPerSecond": admitted, "toolStartLagMs": {"p50": lag_p50, "max": 4 * lag_p50},
            "window": {"seconds": 2.0},
            "loadToolProcCpuInWindow": {"workerJvmsPercentOfOneCore": 50.0, "machineBusyPercentOfAllCores": 90.0}}


class GracefulDegradationTest(unittest.TestCase):
    def test_verdict_is_taken_on_each_rates_median_not_on_its_worst_repetition(self):
        steps = [step(2000, 1, 0, 2000), step(8000, 1, 1, 6000), step(12000, 1, 2, 4500),  # a low outlier
                 step(12000, 2, 3, 5900), step(8000, 2, 4, 6100), step(2000, 2, 5, 1999),
                 step(2000, 3, 6, 2000), step(8000, 3, 7, 5800), step(12000, 3, 8, 5700)]
        g = summarize.graceful_degradation(steps)
        rates = {r["rateRequested"]: r for r in g["rates"]}
        self.assertEqual(6000, g["peakAdmittedPerSecond"])
        self.assertEqual(8000, g["peakAtRate"])
        self.assertEqual(8000, g["serverSaturatedAtRate"])
        self.assertEqual(5700, rates[12000]["admittedPerSecondMedian"])
        self.assertEqual([4500, 5900, 5700], rates[12000]["admittedPerSecondByRepetition"])
        self.assertEqual(24.6, rates[12000]["spreadPercentOfMedian"])
        self.assertEqual(0.95, g["worstRatioToPeakUpToToolSaturation"])
        self.assertEqual("PASS", g["verdict"])
        self.assertEqual(9, len(g["steps"]))

    def test_rates_from_the_tools_saturation_on_are_outside_the_peak_and_the_verdict(self):
        steps = [step(2000, 1, 0, 2000), step(8000, 1, 1, 5000), step(16000, 1, 2, 9000, lag_p50=250.0),
                 step(16000, 2, 3, 9500, lag_p50=150.0), step(8000, 2, 4, 4000), step(2000, 2, 5, 2000)]
        g = summarize.graceful_degradation(steps)
        self.assertEqual(16000, g["toolSaturatedAtRate"])
        self.assertEqual(4500, g["peakAdmittedPerSecond"])
        self.assertEqual("tool saturated (criterion does not apply)", g["rates"][2]["verdict"])
        # 1,000 sessions at 16,000/s: 62.5 ms of schedule; the last one started 1 s (rep 1) or 0.6 s late at most
        self.assertEqual([941, 1509], g["rates"][2]["toolOfferedAtLeastPerSecondByRepetition"])
        self.assertEqual("PASS", g["verdict"])

    def test_a_median_under_ninety_percent_of_the_peak_fails(self):
        steps = [step(2000, 1, 0, 2000), step(8000, 1, 1, 6000), step(12000, 1, 2, 5000),
                 step(12000, 2, 3, 5200), step(8000, 2, 4, 6000)]
        g = summarize.graceful_degradation(steps)
        self.assertEqual("FAIL", g["verdict"])
        self.assertAlmostEqual(0.85, g["worstRatioToPeakUpToToolSaturation"], places=3)

    def test_admitted_of_offered_counts_sessions_and_keeps_the_worst_repetition(self):
        steps = [step(2000, 1, 0, 2000), step(8000, 1, 1, 6000, connected=900), step(8000, 2, 2, 6000)]
        g = summarize.graceful_degradation(steps)
        r = g["rates"][1]
        self.assertEqual(0.95, r["admittedOfOffered"])
        self.assertEqual(0.9, r["admittedOfOfferedWorstRepetition"])
        self.assertEqual(100, r["refused"])


class RunFilesTest(unittest.TestCase):
    def test_tool_cpu_splits_worker_jvms_from_the_parent_inside_the_window(self):
        tck = summarize.CLK_TCK
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "storm-5000-r1-toolcpu.txt"), "w") as f:
                # the machine: 2 cores, half busy; worker 11 uses a full core, worker 12 half a core, the parent none
                f.write("99.0 0 0 10:0:p 11:0:w\n")
                f.write("100.0 100 200 10:5:p 11:0:w 12:0:w\n")
                f.write("101.0 200 400 10:5:p 11:%d:w 12:%d:w\n" % (tck, tck // 2))
                f.write("102.0 300 600 10:5:p 11:%d:w 12:%d:w\n" % (2 * tck, tck))
            cpu = summarize.tool_proc_cpu(d, "storm-5000-r1", 100.0, 102.0)
            # between samples: the counters interpolated to the window's edges
            half = summarize.tool_proc_cpu(d, "storm-5000-r1", 100.5, 101.5)
            outside = summarize.tool_proc_cpu(d, "storm-5000-r1", 100.5, 103.0)
        self.assertEqual(150.0, cpu["workerJvmsPercentOfOneCore"])
        self.assertEqual([100.0, 50.0], cpu["perWorkerJvmPercentOfOneCore"])
        self.assertEqual(0.0, cpu["parentJvmPercentOfOneCore"])
        self.assertEqual(50.0, cpu["machineBusyPercentOfAllCores"])
        self.assertEqual([100.0, 50.0], half["perWorkerJvmPercentOfOneCore"])
        self.assertEqual(1.0, half["seconds"])
        self.assertIsNone(outside)

    def test_steps_come_in_the_order_they_ran(self):
        with tempfile.TemporaryDirectory() as d:
            for n in ("storm-2000-r1", "storm-8000-r1", "storm-8000-r2", "storm-2000-r2"):
                with open(os.path.join(d, n + ".json"), "w") as f:
                    json.dump({}, f)
            with open(os.path.join(d, "steps.txt"), "w") as f:
                for i, n in enumerate(("storm-2000-r1", "storm-8000-r1", "storm-8000-r2", "storm-2000-r2")):
                    f.write("%s start %d %s\n%s end %d %s\n" % (n.split("-")[1], i, n, n.split("-")[1], i, n))
            self.assertEqual(["storm-2000-r1", "storm-8000-r1", "storm-8000-r2", "storm-2000-r2"],
                             summarize.storm_steps(d))


if __name__ == "__main__":
    unittest.main()
