#!/bin/sh
# Installs the Debian packages the browser test needs (and the demo page's fonts), and
# LibreOffice Calc with poppler's pdftotext for the test that prints the ledger to PDF, once;
# and systemd's systemd-analyze, which checks deploy/duban.service (it runs without systemd
# running, as root in a container too).
# Debian's chromium is used because a browser downloaded at install time cannot be fetched
# on these machines.
set -e
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -x /usr/bin/chromedriver ] || missing="$missing chromium-driver"
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$missing fonts-noto-cjk"
# The bot's texts use emoji (🏭, 📍); without a colour emoji font they show as boxes.
fc-list 2>/dev/null | grep -qi "Noto Color Emoji" || missing="$missing fonts-noto-color-emoji"
[ -x /usr/bin/soffice ] || missing="$missing libreoffice-calc-nogui"
[ -x /usr/bin/pdftotext ] || missing="$missing poppler-utils"
command -v systemd-analyze >/dev/null 2>&1 || missing="$missing systemd"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "system-deps: need root to install:$missing (the browser and print tests will be skipped)" >&2
  exit 0
fi
echo "system-deps: installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
