#!/usr/bin/env bash
# The `npm run bench` benchmark on a real GPU: the same page (bench.html, the
# app's own modules in a worker) in Chromium, with WebGPU and WebGL on Vulkan
# (NVIDIA), on the device machine described in /work/.library/device/README.md.
#
# That machine has neither Chromium nor Node and cannot download anything, and
# one call carries at most 64 MiB; Chromium and the libraries it needs are
# about 112 MiB compressed. So this machine packs a bundle in parts, the first
# call(s) park parts in /tmp there, and the last call (made at once, while the
# machine is still warm) brings the last part and runs the benchmark. A small
# Python driver (no Playwright there) serves the page, the posters and the
# pretrained backbone (at /models/, as the app's servers do), starts Chromium
# per run and collects the result the page POSTs back. The device has no
# ../shared, so pack copies the posters and the MobileNetV2 1.0 backbone
# (from $POSTER_MODELS_DIR or ../shared/models) under .bench/gpu.
#
#   1. Here, once (xz -9e of the Chromium binary takes about 9 minutes on two
#      cores, and is cached in .bench/gpu/cache for later packs):
#        bash scripts/gpu-bench.sh pack              # [--posters N], default 96
#      (after changing src/bench, `node scripts/bench.mjs --build-only` refreshes
#      .bench/dist, which the run call carries: no need to pack again)
#      It prints the device calls to make. The bundle is about 112 MiB, so with
#      Chromium 156 there are three, each made straight after the one before
#      (a warm machine waits only about 30 s for the next call):
#   2.   run(command="bash scripts/gpu-bench.sh stage 1", carry=[".bench/gpu/part-1"], timeout_s=120)
#        run(command="bash scripts/gpu-bench.sh stage 2", carry=[".bench/gpu/part-2"], timeout_s=120)
#   3.   run(command="bash scripts/gpu-bench.sh run", timeout_s=540,
#            carry=[".gl", ".bench/dist", ".bench/gpu/posters", ".bench/gpu/models", ".bench/gpu/part-3"])
#      The first call starts the machine; `stage K` parks part K in /tmp there.
#      `run` prints the JSON and leaves it in $OUT/gpu-bench.json, with
#      Chromium's logs and nvidia-smi's answer beside it (not yet run on a GPU:
#      a few minutes is the guess, 540 s leaves room). `run --quick` is shorter;
#      `run --backends webgpu,webgl,cpu,wasm` (default webgpu,webgl,wasm; wasm
#      measures only the pretrained path, as the app uses it), `--flag=--a-chromium-flag` and
#      `--drop-flag=--use-vulkan` (if the GPU process fails with it) also work.
#      A "warnings" entry says when a backend fell back to a software adapter.
#      If the machine went back between the calls, `run` says so: start again at 2.
#   4. give_back (unless rerunning at once).
#
# Check the driver and the bundle here first (SwiftShader, no GPU):
#        bash scripts/gpu-bench.sh local --backends webgl --quick
#        bash scripts/gpu-bench.sh local --backends wasm --quick --no-decode   # the pretrained path alone
#        bash scripts/gpu-bench.sh local --bundle --backends cpu --quick      # the packed Chromium
#      (the bundle leaves SwiftShader out, so here only the cpu backend runs from it)
#
# The JS heap is not measured by this driver (it speaks no DevTools protocol):
# jsHeapUsedBytes is null there; tensor counts and bytes are measured as usual.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
GPU_DIR=.bench/gpu
WORK=/tmp/poster-genres-gpu
# A call may carry 64 MiB: parts are cut to leave LIMIT_MIB for each, with
# TREE_ALLOWANCE bytes for the working tree (under 1 MiB now) to grow into.
LIMIT_MIB=60
TREE_ALLOWANCE=$((3 * 1048576))

die() { echo "gpu-bench: $*" >&2; exit 1; }
say() { echo "[gpu-bench $(date +%H:%M:%S)] $*" >&2; }

# ---------------------------------------------------------------- here: pack
copy_posters() {
  local count=$1 data=${POSTERS_DATA:-$ROOT/../shared/posters}
  rm -rf "$GPU_DIR/posters" && mkdir -p "$GPU_DIR/posters"
  python3 - "$data" "$GPU_DIR/posters" "$count" <<'PY'
import os, shutil, sys
data, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
images = os.path.join(data, 'images') if os.path.isdir(os.path.join(data, 'images')) else data
lines = open(os.path.join(data, 'labels.csv'), encoding='utf-8').read().strip().split('\n')
rows, seen = [], set()
for line in lines[1:]:
    poster_id = line[:line.index(',')]
    if poster_id in seen or not os.path.exists(os.path.join(images, poster_id + '.jpg')):
        continue
    seen.add(poster_id)
    rows.append(line)
    shutil.copyfile(os.path.join(images, poster_id + '.jpg'), os.path.join(out, poster_id + '.jpg'))
    if len(rows) == count:
        break
open(os.path.join(out, 'labels.csv'), 'w', encoding='utf-8').write('\n'.join([lines[0], *rows]) + '\n')
print(f'{len(rows)} posters copied', file=sys.stderr)
PY
}

# The backbone the pretrained measurement and the profile load: the app's default
# (DEFAULT_PRETRAINED in src/bench/benchConfig.ts), served at /models/ by the driver.
PRETRAINED_BACKBONE=mobilenet_v2_100_224
copy_models() {
  local models=${POSTER_MODELS_DIR:-$ROOT/../shared/models}
  rm -rf "$GPU_DIR/models" && mkdir -p "$GPU_DIR/models"
  if [ -f "$models/$PRETRAINED_BACKBONE/model.json" ]; then
    cp -r "$models/$PRETRAINED_BACKBONE" "$GPU_DIR/models/"
    say "backbone $PRETRAINED_BACKBONE copied ($(du -sh "$GPU_DIR/models" | cut -f1))"
  else
    # The page then reports pretrainedBackbone as unavailable; the rest still runs.
    say "warning: no $models/$PRETRAINED_BACKBONE/model.json (set POSTER_MODELS_DIR): the pretrained path will be unavailable"
  fi
}

# The Vulkan/EGL loaders and libglvnd, as README.md says (Debian packages, unpacked over / there).
download_loaders() {
  [ -n "$(ls .gl/*.deb 2>/dev/null)" ] && return
  mkdir -p .gl /tmp/amd64/partial
  local o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  # shellcheck disable=SC2086
  apt-get $o update >&2
  # shellcheck disable=SC2086
  (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >&2)
}

# Every shared library `ldd` resolves for the given binaries, but glibc's own.
library_closure() {
  ldd "$@" 2>/dev/null | awk '$3 ~ /^\// {print $3}' | sort -u |
    grep -Ev '/(ld-linux[^/]*|libc|libm|libdl|libpthread|librt|libresolv|libutil)\.so' || true
}

pack_chromium() {
  local src=${CHROMIUM_DIR:-/usr/lib/chromium} stage bundle nss_modules
  [ -x "$src/chromium" ] || die "no Chromium at $src (set CHROMIUM_DIR)"
  stage=$(mktemp -d)
  bundle=$stage/bundle
  mkdir -p "$bundle/chromium/locales" "$bundle/lib" "$bundle/fonts"
  # No SwiftShader: where the GPU does not work, a backend should fail, not quietly run on the CPU.
  for f in chromium chrome_crashpad_handler icudtl.dat resources.pak chrome_100_percent.pak chrome_200_percent.pak \
    snapshot_blob.bin v8_context_snapshot.bin libvulkan.so.1 libEGL.so libGLESv2.so; do
    [ -e "$src/$f" ] && cp "$src/$f" "$bundle/chromium/"
  done
  cp "$src/locales/en-US.pak" "$bundle/chromium/locales/"
  # NSS opens its crypto modules at run time, from beside libnss3.
  nss_modules=$(ls /usr/lib/x86_64-linux-gnu/{libsoftokn3,libfreebl3,libfreeblpriv3,libnssckbi,libnssdbm3}.so 2>/dev/null || true)
  local libs previous=''
  libs=$(library_closure "$src/chromium" $nss_modules)
  while [ "$libs" != "$previous" ]; do
    previous=$libs
    # shellcheck disable=SC2086
    libs=$( (echo "$libs"; library_closure $libs) | sort -u)
  done
  for lib in $libs $nss_modules; do cp -L "$lib" "$bundle/lib/$(basename "$lib")"; done
  # ldd names libraries by soname; make sure each soname exists in the bundle.
  for lib in "$bundle"/lib/*.so*; do
    local soname
    soname=$(objdump -p "$lib" 2>/dev/null | awk '/SONAME/ {print $2}')
    [ -n "$soname" ] && [ ! -e "$bundle/lib/$soname" ] && cp "$lib" "$bundle/lib/$soname"
  done
  cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf "$bundle/fonts/" 2>/dev/null || true
  cat >"$bundle/fonts/fonts.conf" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir prefix="relative">.</dir><cachedir>/tmp/poster-genres-gpu/fontcache</cachedir></fontconfig>
XML
  say "bundle: $(du -sh "$bundle" | cut -f1) before compression ($(ls "$bundle/lib" | wc -l) libraries); xz -9e takes several minutes"
  # Two single-threaded streams side by side (xz's own threads compress Chromium
  # about 15% worse); xz -d reads the two as one, tar -i skips the seam. The
  # binary's stream is kept in .bench/gpu/cache, so a second pack skips it.
  local cache=$GPU_DIR/cache key
  key=$(sha256sum "$src/chromium" | cut -c1-16)
  mkdir -p "$cache"
  if [ ! -s "$cache/binary-$key.tar.xz" ]; then
    rm -f "$cache"/binary-*.tar.xz
    (tar -C "$stage" -cf - bundle/chromium/chromium | xz -9e -T1 >"$cache/binary.partial" &&
      mv "$cache/binary.partial" "$cache/binary-$key.tar.xz") &
  fi
  tar -C "$stage" --exclude=bundle/chromium/chromium -cf - bundle | xz -9e -T1 >"$stage/rest.tar.xz"
  wait
  [ -s "$cache/binary-$key.tar.xz" ] || die "compressing the Chromium binary failed"
  cat "$cache/binary-$key.tar.xz" "$stage/rest.tar.xz" >"$stage/chromium.tar.xz"
  # The fewest equal parts that leave each call under LIMIT_MIB, the last one with the page, posters and loaders.
  local parts=2 k total extras
  total=$(stat -c %s "$stage/chromium.tar.xz")
  extras=$(du -sbc .gl .bench/dist "$GPU_DIR/posters" "$GPU_DIR/models" | tail -1 | cut -f1)
  while [ $(((total / parts + extras + TREE_ALLOWANCE) / 1048576)) -ge "$LIMIT_MIB" ]; do parts=$((parts + 1)); done
  split -n "$parts" -d -a 1 "$stage/chromium.tar.xz" "$stage/part."
  rm -rf "$GPU_DIR"/part-*
  for k in $(seq 1 "$parts"); do
    mkdir -p "$GPU_DIR/part-$k"
    mv "$stage/part.$((k - 1))" "$GPU_DIR/part-$k/chromium.tar.xz.$k"
  done
  (cd "$stage" && sha256sum chromium.tar.xz) >"$GPU_DIR/part-$parts/chromium.tar.xz.sha256"
  echo "$parts" >"$GPU_DIR/part-$parts/parts"
  "$src/chromium" --version >"$GPU_DIR/part-$parts/chromium-version.txt" 2>/dev/null || true
  say "compressed: $(du -h "$stage/chromium.tar.xz" | cut -f1) in $parts parts"
  rm -rf "$stage"
}

# What one call sends, in MiB: the working tree (tracked and untracked-not-ignored files) plus what it carries.
call_mib() {
  local tree carried=0
  tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | awk 'END {print $1}')
  for path in "$@"; do carried=$((carried + $(du -sb "$path" | cut -f1))); done
  echo $(((tree + carried) / 1048576))
}

pack() {
  local posters=96
  while [ $# -gt 0 ]; do
    case $1 in
      --posters) posters=$2; shift 2 ;;
      *) die "pack: unknown flag $1" ;;
    esac
  done
  command -v xz >/dev/null || die "xz is needed"
  say "building .bench/dist"
  node scripts/bench.mjs --build-only
  copy_posters "$posters"
  copy_models
  download_loaders
  pack_chromium
  local parts k size
  parts=$(cat "$GPU_DIR"/part-*/parts)
  echo "Device calls, each straight after the one before:" >&2
  for k in $(seq 1 $((parts - 1))); do
    size=$(call_mib "$GPU_DIR/part-$k")
    echo "  run(command=\"bash scripts/gpu-bench.sh stage $k\", carry=[\".bench/gpu/part-$k\"], timeout_s=120)   # ~${size} MiB" >&2
    [ "$size" -lt 64 ] || die "call $k would send ${size} MiB (limit 64): lower LIMIT_MIB"
  done
  size=$(call_mib .gl .bench/dist "$GPU_DIR/posters" "$GPU_DIR/models" "$GPU_DIR/part-$parts")
  echo "  run(command=\"bash scripts/gpu-bench.sh run\", carry=[\".gl\", \".bench/dist\", \".bench/gpu/posters\", \".bench/gpu/models\", \".bench/gpu/part-$parts\"], timeout_s=540)   # ~${size} MiB" >&2
  [ "$size" -lt 64 ] || die "the last call would send ${size} MiB (limit 64): carry fewer posters (--posters)"
}

# ------------------------------------------------------- device: the calls
stage() {
  local k=$1
  mkdir -p "$WORK"
  cp "$GPU_DIR/part-$k/chromium.tar.xz.$k" "$WORK/"
  say "part $k parked in $WORK ($(du -h "$WORK/chromium.tar.xz.$k" | cut -f1)); make the next call now"
}

# The last part travels with the run call; the others were parked in /tmp (or, here, are still in .bench/gpu).
unpack_bundle() {
  if [ -x "$WORK/bundle/chromium/chromium" ]; then return; fi
  local manifest parts k part
  manifest=$(ls "$GPU_DIR"/part-*/parts 2>/dev/null | tail -1)
  [ -n "$manifest" ] || die "no Chromium bundle part here: carry the last .bench/gpu/part-N (see pack's output)"
  parts=$(cat "$manifest")
  mkdir -p "$WORK"
  : >"$WORK/chromium.tar.xz"
  for k in $(seq 1 "$parts"); do
    part=$WORK/chromium.tar.xz.$k
    [ -f "$part" ] || part=$GPU_DIR/part-$k/chromium.tar.xz.$k
    [ -f "$part" ] || die "part $k of the Chromium bundle is not here: the machine was given back between the calls. Make the stage calls again, then run, each straight after the last."
    cat "$part" >>"$WORK/chromium.tar.xz"
  done
  (cd "$WORK" && sha256sum -c "$ROOT/$(dirname "$manifest")/chromium.tar.xz.sha256" >&2) || die "the bundle is corrupt; run pack again"
  xz -dc "$WORK/chromium.tar.xz" | tar -xi -C "$WORK"
  rm -f "$WORK"/chromium.tar.xz*
}

# Links, from the bundle, only the libraries this system lacks: its own stay in use.
fill_missing_libraries() {
  local chrome=$1 fill=$WORK/fill lib missing
  mkdir -p "$fill"
  for _ in 1 2 3 4 5 6 7 8; do
    missing=$( { LD_LIBRARY_PATH=$fill ldd "$chrome"; for lib in "$fill"/*.so*; do [ -e "$lib" ] && LD_LIBRARY_PATH=$fill ldd "$lib"; done; } 2>/dev/null |
      awk '/not found/ {print $1}' | sort -u)
    [ -z "$missing" ] && break
    for lib in $missing; do
      if [ -e "$WORK/bundle/lib/$lib" ]; then ln -sf "$WORK/bundle/lib/$lib" "$fill/$lib"; else say "warning: $lib is missing and not in the bundle"; fi
    done
  done
  if [ -e "$fill/libnss3.so" ]; then
    for lib in libsoftokn3.so libfreebl3.so libfreeblpriv3.so libnssckbi.so libnssdbm3.so; do
      [ -e "$WORK/bundle/lib/$lib" ] && ln -sf "$WORK/bundle/lib/$lib" "$fill/$lib"
    done
  fi
  say "libraries taken from the bundle: $(ls "$fill" | tr '\n' ' ')"
  echo "$fill"
}

run_on_device() {
  local out=${OUT:-$WORK/out} fill
  mkdir -p "$out"
  if [ -n "$(ls .gl/*.deb 2>/dev/null)" ]; then
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  if [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd; fi
  if [ -f "$egl" ]; then export __EGL_VENDOR_LIBRARY_FILENAMES=$egl; fi
  (nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo 'nvidia-smi failed') >"$out/nvidia-smi.txt" 2>&1
  ldconfig -p | grep -E 'libvulkan|libEGL|libGLdispatch' >"$out/loaders.txt" || true
  unpack_bundle
  fill=$(fill_missing_libraries "$WORK/bundle/chromium/chromium")
  local nvidia_libs=''
  [ -d /usr/local/nvidia/lib64 ] && nvidia_libs=/usr/local/nvidia/lib64:
  export LD_LIBRARY_PATH="${nvidia_libs}$fill${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export FONTCONFIG_FILE=$WORK/bundle/fonts/fonts.conf
  [ -d "$GPU_DIR/models" ] || say "warning: no $GPU_DIR/models here (carry it): the pretrained path will be unavailable"
  driver --chromium "$WORK/bundle/chromium/chromium" --flags gpu --dist .bench/dist --posters "$GPU_DIR/posters" --models "$GPU_DIR/models" \
    --out "$out/gpu-bench.json" --log-dir "$out" --gpu "$(head -1 "$out/nvidia-smi.txt")" "$@"
}

# ------------------------------------------------------------ here: local
run_locally() {
  local chrome=/usr/bin/chromium out=.bench/gpu/local args=()
  while [ $# -gt 0 ]; do
    case $1 in
      --bundle) chrome=bundle; shift ;;
      *) args+=("$1"); shift ;;
    esac
  done
  mkdir -p "$out"
  [ -d .bench/dist ] || node scripts/bench.mjs --build-only
  [ -d "$GPU_DIR/posters" ] || copy_posters 24
  [ -d "$GPU_DIR/models" ] || copy_models
  if [ "$chrome" = bundle ]; then
    ls "$GPU_DIR"/part-*/parts >/dev/null 2>&1 || die "no bundle: run pack first"
    rm -rf "$WORK/bundle" && unpack_bundle
    chrome=$WORK/bundle/chromium/chromium
    export LD_LIBRARY_PATH
    LD_LIBRARY_PATH=$(fill_missing_libraries "$chrome")
    export FONTCONFIG_FILE=$WORK/bundle/fonts/fonts.conf
  fi
  driver --chromium "$chrome" --flags swiftshader --dist .bench/dist --posters "$GPU_DIR/posters" --models "$GPU_DIR/models" \
    --out "$out/gpu-bench.json" --log-dir "$out" ${args[@]+"${args[@]}"}
}

# ----------------------------------------------------- the driver (Python)
driver() {
  python3 - "$@" <<'PY'
import argparse, json, os, platform, shutil, signal, subprocess, sys, tempfile, threading, time
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

COMMON = ['--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--disable-background-networking',
          '--disable-component-update', '--disable-sync', '--no-first-run', '--no-default-browser-check',
          '--enable-unsafe-webgpu']
FLAGS = {
    # A real GPU through Vulkan: Dawn for WebGPU, ANGLE's Vulkan back end for WebGL; no surface in headless.
    'gpu': COMMON + ['--enable-features=Vulkan', '--use-angle=vulkan', '--use-vulkan', '--disable-vulkan-surface',
                     '--ignore-gpu-blocklist'],
    # As playwright.config.ts and scripts/bench.mjs: everything emulated on the CPU.
    'swiftshader': COMMON + ['--use-webgpu-adapter=swiftshader'],
}
SIZE_L, SIZE_S = {'height': 400, 'width': 300}, {'height': 128, 'width': 96}

def page_config(quick):
    # Merged field by field over the page's pretrained defaults (batch 32 and 64, 2000 feature rows).
    if quick:
        return {'training': [{**SIZE_L, 'batchSize': 8, 'warmupSteps': 1, 'timedSteps': 2},
                             {**SIZE_S, 'batchSize': 16, 'warmupSteps': 1, 'timedSteps': 2}],
                'prediction': {'size': SIZE_L, 'warmRuns': 3},
                'memory': {'size': SIZE_S, 'posters': 16, 'batchSize': 8, 'epochs': 3},
                'input': {'size': SIZE_L, 'batchSize': 32, 'repeats': 3},
                'pretrained': {'embedWarmupBatches': 1, 'embedTimedBatches': 3, 'headWarmupEpochs': 1, 'headTimedEpochs': 2}}
    return {'training': [{**SIZE_L, 'batchSize': 32, 'warmupSteps': 2, 'timedSteps': 8},
                         {**SIZE_S, 'batchSize': 64, 'warmupSteps': 2, 'timedSteps': 10}],
            'prediction': {'size': SIZE_L, 'warmRuns': 10},
            'memory': {'size': SIZE_S, 'posters': 64, 'batchSize': 16, 'epochs': 3},
            'input': {'size': SIZE_L, 'batchSize': 64, 'repeats': 10},
            'pretrained': {'embedWarmupBatches': 2, 'embedTimedBatches': 10, 'headWarmupEpochs': 1, 'headTimedEpochs': 5},
            # Per-kernel times (issue 15): one step at the tutorial's size and batch, one backbone batch of 32.
            'profile': {'training': {**SIZE_L, 'batchSize': 64}}}

def backend_config(config, backend):
    # wasm runs only the pretrained path: the app uses it for the frozen-backbone stages alone.
    cnn_parts = {'training': [], 'prediction': None, 'memory': None, 'input': None,
                 'profile': {'training': None}} if backend == 'wasm' else {}
    return {**config, **cnn_parts, 'decode': None, 'backend': backend}

def decode_config(quick, posters, cores):
    counts = sorted({0, 1, 2, 4, 8, cores} if not quick else {0, 1, 2})
    return {'sizes': [SIZE_L, {'height': 200, 'width': 150}] if not quick else [{'height': 200, 'width': 150}],
            'workerCounts': [n for n in counts if n <= max(2, cores)], 'posters': posters, 'rounds': 1 if quick else 3,
            # Epochs after the first: from memory, from the OPFS spill, decoded again (src/bench/measureFeed.ts).
            'feedEpochs': 2 if quick else 3}

parser = argparse.ArgumentParser()
parser.add_argument('--chromium', required=True)
parser.add_argument('--flags', choices=FLAGS, required=True)
parser.add_argument('--flag', action='append', default=[], help='extra Chromium flag, repeatable')
parser.add_argument('--drop-flag', action='append', default=[], help='leave out one of the preset flags, repeatable')
parser.add_argument('--dist', required=True)
parser.add_argument('--posters', required=True)
parser.add_argument('--models', required=True, help='served at /models/ (the pretrained backbone)')
parser.add_argument('--backends', default='webgpu,webgl,wasm')
parser.add_argument('--quick', action='store_true')
parser.add_argument('--no-decode', action='store_true')
parser.add_argument('--config', help='JSON merged over the page config (see src/bench/benchConfig.ts)')
parser.add_argument('--timeout', type=float, default=240, help='seconds per page run')
parser.add_argument('--out', required=True)
parser.add_argument('--log-dir', required=True)
parser.add_argument('--gpu', default=None)
args = parser.parse_args()

dist, posters_dir, models_dir = os.path.abspath(args.dist), os.path.abspath(args.posters), os.path.abspath(args.models)
# Longest prefix first; IMPORTANT: nothing outside these three folders is served.
ROUTES = [('/posters/', posters_dir), ('/models/', models_dir)]
results, arrived = {}, threading.Condition()

class Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, '.js': 'text/javascript', '.wasm': 'application/wasm'}

    def translate_path(self, path):
        path = urllib.parse.unquote(urllib.parse.urlparse(path).path)
        base, rest = next(((folder, path[len(prefix):]) for prefix, folder in ROUTES if path.startswith(prefix)),
                          (dist, path.lstrip('/') or 'bench.html'))
        full = os.path.normpath(os.path.join(base, rest))
        return full if full.startswith(base + os.sep) else os.path.join(base, '.missing')

    def do_POST(self):
        label = self.path.rsplit('/', 1)[-1]
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        self.send_response(204)
        self.end_headers()
        with arrived:
            results[label] = json.loads(body)
            arrived.notify_all()

    def log_message(self, *_):
        pass

server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
base_url = f'http://127.0.0.1:{server.server_address[1]}'
chromium_args = [flag for flag in FLAGS[args.flags] if flag not in args.drop_flag] + args.flag
poster_count = sum(1 for name in os.listdir(posters_dir) if name.endswith('.jpg'))

def log(message):
    print(f'[gpu-bench {time.strftime("%H:%M:%S")}] {message}', file=sys.stderr, flush=True)

def run_page(label, config):
    query = urllib.parse.urlencode({'posters': '/posters/', 'count': poster_count, 'autorun': '1',
                                    'report': f'/result/{label}', 'config': json.dumps(config)})
    profile = tempfile.mkdtemp(prefix='poster-genres-profile-')
    with open(os.path.join(args.log_dir, f'chromium-{label}.log'), 'w') as chrome_log:
        browser = subprocess.Popen([args.chromium, *chromium_args, f'--user-data-dir={profile}', '--enable-logging=stderr',
                                    f'{base_url}/bench.html?{query}'],
                                   stdout=chrome_log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + args.timeout
            with open(chrome_log.name, errors='replace') as progress:
                with arrived:
                    while label not in results and browser.poll() is None and time.monotonic() < deadline:
                        arrived.wait(timeout=5)
                        # The page logs its progress to the console, which Chromium writes to the log.
                        for line in progress.readlines():
                            if '"[bench] ' in line:
                                log(f'{label}: {line.split(chr(34) + "[bench] ", 1)[1].rsplit(chr(34) + ", source", 1)[0]}')
            if label in results:
                return results[label]
            if browser.poll() is not None:
                return {'error': f'Chromium exited with {browser.returncode}; see chromium-{label}.log'}
            return {'error': f'no result within {args.timeout:.0f} s; see chromium-{label}.log'}
        finally:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                if browser.poll() is not None:
                    break
                os.killpg(browser.pid, sig)
                try:
                    browser.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
            shutil.rmtree(profile, ignore_errors=True)

def chromium_version():
    try:
        return subprocess.run([args.chromium, '--version'], capture_output=True, text=True, timeout=60).stdout.strip()
    except Exception as error:  # noqa: BLE001 - reported, not fatal
        return f'unknown ({error})'

started = time.time()
cores = os.cpu_count() or 2
overrides = json.loads(args.config) if args.config else {}
config = {**page_config(args.quick), **overrides}
output = {
    'benchmark': 'poster-genres',
    'startedAt': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(started)),
    'seconds': None,
    'command': sys.argv[1:],
    'environment': {'chromium': chromium_version(), 'chromiumPath': args.chromium, 'chromiumArgs': chromium_args,
                    'hardwareConcurrency': None, 'userAgent': None, 'cpuModel': platform.processor() or platform.machine(),
                    'cpus': cores, 'gpu': args.gpu, 'driver': 'scripts/gpu-bench.sh (Python, no DevTools protocol)'},
    'data': {'from': posters_dir, 'posters': poster_count, 'models': models_dir,
             'modelsMissing': None if os.path.isdir(models_dir) and os.listdir(models_dir) else f'{models_dir} is missing or empty'},
    'config': {'page': config, 'decode': None},
    'jsHeapNote': 'jsHeapUsedBytes is null here: this driver cannot read a worker heap; numTensors and numBytes are measured',
    'decode': None,
    'backends': {},
    'warnings': [],
}
runs = [] if args.no_decode else [('decode', {'decode': decode_config(args.quick, poster_count, cores), 'backend': None,
                                              'training': [], 'prediction': None, 'memory': None, 'input': None,
                                              'pretrained': None, 'profile': None})]
runs += [(backend, backend_config(config, backend)) for backend in args.backends.split(',') if backend]
for label, run_config in runs:
    log(f'{label}: starting Chromium')
    run_start = time.monotonic()
    result = run_page(label, run_config)
    log(f'{label}: {"FAILED " + result["error"] if "error" in result else "done"} in {time.monotonic() - run_start:.0f} s')
    if 'error' in result:
        if label == 'decode':
            output['decode'] = result
        else:
            output['backends'][label] = {'backend': label, 'available': False, 'reason': result['error']}
        continue
    output['environment']['hardwareConcurrency'] = result['hardwareConcurrency']
    output['environment']['userAgent'] = result['userAgent']
    if label == 'decode':
        output['decode'] = result['decode']
        output['config']['decode'] = result['config']['decode']
        continue
    backend = result['backend']
    output['backends'][label] = {**backend, 'pageSeconds': result['seconds']}
    adapter = backend.get('adapter', {}) if backend.get('available') else {}
    text = adapter.get('description', '').lower()
    if args.flags == 'gpu' and (adapter.get('isFallbackAdapter') or 'swiftshader' in text or 'llvmpipe' in text):
        output['warnings'].append(f'{label} ran on a software adapter ({adapter.get("description")}), not the GPU')
server.shutdown()
output['seconds'] = round(time.time() - started)
text = json.dumps(output, indent=2)
with open(args.out, 'w') as out_file:
    out_file.write(text + '\n')
print(text)
PY
}

case ${1:-} in
  pack) shift; pack "$@" ;;
  stage) shift; stage "${1:?stage needs a part number}" ;;
  run) shift; run_on_device "$@" ;;
  local) shift; run_locally "$@" ;;
  *) sed -n '2,/^set -euo/p' "$0" >&2; exit 2 ;;
esac
