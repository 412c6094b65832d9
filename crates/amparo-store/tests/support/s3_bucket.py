"""A bucket on a local S3-compatible server (moto_server), seen from outside Amparo with boto3.

    s3_bucket.py create ENDPOINT BUCKET      make the bucket
    s3_bucket.py dump ENDPOINT BUCKET DIR    write every object of the bucket into DIR, one file each
                                             (the listing is paged to its end); prints how many
"""

import os
import sys

import boto3


def client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def main():
    command, endpoint, bucket = sys.argv[1:4]
    s3 = client(endpoint)
    if command == "create":
        s3.create_bucket(Bucket=bucket)
        return
    if command == "dump":
        out = sys.argv[4]
        count = 0
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                with open(os.path.join(out, f"object-{count}"), "wb") as f:
                    f.write(body)
                count += 1
        print(count)
        return
    sys.exit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
