JGOIM_JAVA_OPTS="-Xmx1g -Xlog:gc*:file=/work/main/benchmarks/results/cluster-e2e-20261206T035923Z/comet-gc.log" bin/jgoim comet
