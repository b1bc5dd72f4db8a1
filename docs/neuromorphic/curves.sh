#!/bin/bash
# The degradation curves of docs/neuromorphic.md: MNIST 784-800-800-10 tanh DFA, 3 epochs on a 10,000-sample training
# subset (test set whole), seed 1, 1 thread, one factor at a time. Usage: docs/neuromorphic/curves.sh MNIST_DIR OUT_DIR
set -u
data=$1; out=$2; mkdir -p "$out"
csv=$out/curves.csv
[ -f "$csv" ] || echo "curve,setting,test_accuracy" > "$csv"
dotnet build src/Dfa.Cli -c Release > /dev/null
run() { curve=$1; setting=$2; cfg=$3; shift 3
  name="$curve-$setting"
  dotnet run --project src/Dfa.Cli -c Release --no-build -- train --config "$cfg" --set epochs=3 --set data.train_samples=10000 \
    --set threads=1 --set logging.alignment_every=0 --set logging.tensorboard=false --set logging.plots=false \
    --set checkpoint.enabled=false "$@" --data "$data" --out "$out/$name" > "$out/$name.log" 2>&1
  echo "$curve,$setting,$(grep -o 'done: test accuracy [0-9.]*%' "$out/$name.log" | grep -o '[0-9.]*%')" >> "$csv"
}
X=configs/backends/crossbar-ideal.yaml; P=configs/backends/crossbar.yaml; S=configs/backends/spiking.yaml
run reference dense configs/backends/dense.yaml
run reference crossbar-ideal $X
run reference crossbar-pcm $P
run reference spiking-T32 $S
run reference no-feedback $X --set feedback.crossbar.stuck_at_max=1
for b in 1 2 3 4 5 6 7 8; do run adc-range20 $b $X --set feedback.crossbar.adc_bits=$b; done
for b in 1 2 3 4 5 6 7 8; do run adc-range2 $b $X --set feedback.crossbar.adc_bits=$b --set feedback.crossbar.adc_range=2; done
for l in 2 3 4 8 16 32 64; do run levels $l $X --set feedback.crossbar.levels=$l; done
for s in 0.05 0.1 0.2 0.3 0.5; do run programming-sigma $s $X --set feedback.crossbar.programming_sigma=$s; done
for f in 0.05 0.1 0.2 0.3 0.5; do h=$(python3 -c "print($f/2)"); run stuck-at $f $X --set feedback.crossbar.stuck_at_min=$h --set feedback.crossbar.stuck_at_max=$h; done
for t in 1 3600 86400 2592000 31536000; do
  run drift-compensated $t $P --set feedback.crossbar.time_since_programming_s=$t
  run drift-uncompensated $t $P --set feedback.crossbar.time_since_programming_s=$t --set feedback.crossbar.drift_compensation=false
done
for T in 1 2 4 8 16; do run spike-steps $T $S --set feedback.spiking.time_steps=$T; done
