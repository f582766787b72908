JGOIM_JAVA_OPTS="-Xmx1g" bin/jgoim logic
