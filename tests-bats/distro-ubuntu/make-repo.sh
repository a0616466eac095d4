#!/bin/sh
# make-repo.sh REPO KEYID SUITE... : an apt repository in REPO from the .debs in REPO/pool/COMPONENT/,
# indexed with apt-ftparchive and signed (InRelease, Release.gpg) with the throw-away key KEYID.
set -e
repo=$1 key=$2
shift 2
cd "$repo"
components=$(ls pool)
for suite in "$@"; do
    for c in $components; do
        mkdir -p "dists/$suite/$c/binary-amd64"
        # the release suite holds the packages; -updates and -security exist, empty, as on a real mirror
        if [ "$suite" = "$1" ]; then
            apt-ftparchive packages "pool/$c" > "dists/$suite/$c/binary-amd64/Packages"
        else
            : > "dists/$suite/$c/binary-amd64/Packages"
        fi
        gzip -9nkf "dists/$suite/$c/binary-amd64/Packages"
    done
    apt-ftparchive -o APT::FTPArchive::Release::Suite="$suite" -o APT::FTPArchive::Release::Codename="$suite" \
        -o APT::FTPArchive::Release::Architectures=amd64 \
        -o APT::FTPArchive::Release::Components="$(echo $components)" release "dists/$suite" > "dists/$suite/Release.new"
    mv "dists/$suite/Release.new" "dists/$suite/Release"
    gpg --batch --yes -u "$key" --clearsign -o "dists/$suite/InRelease" "dists/$suite/Release"
    gpg --batch --yes -u "$key" -abs -o "dists/$suite/Release.gpg" "dists/$suite/Release"
done
