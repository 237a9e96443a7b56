import { describe, expect, it } from "vitest";
import { EINVAL, EIO, ENOMEM, EOPNOTSUPP, EREMOTEIO } from "@p2pdma/pci-core";
import { BLK_STATUS, blkStatusToErrno, blkStatusToStr, errnoToBlkStatus, blkStatusFromValue } from "../src/index";

describe("blk_errors[] (6.12 block/blk-core.c)", () => {
  it("maps every status to its errno and word", () => {
    expect(blkStatusToErrno("OK")).toBe(0);
    expect(blkStatusToErrno("NOTSUPP")).toBe(-EOPNOTSUPP);
    expect(blkStatusToErrno("TARGET")).toBe(-EREMOTEIO);
    expect(blkStatusToErrno("RESOURCE")).toBe(-ENOMEM);
    expect(blkStatusToErrno("IOERR")).toBe(-EIO);
    expect(blkStatusToErrno("INVAL")).toBe(-EINVAL);
    expect(blkStatusToStr("TARGET")).toBe("critical target");
    expect(blkStatusToStr("MEDIUM")).toBe("critical medium");
    expect(blkStatusToStr("IOERR")).toBe("I/O");
    expect(Object.values(BLK_STATUS).map((s) => s.errno)).toEqual([0, -95, -110, -28, -67, -121, -52, -61, -84, -12, -5, -78, -11, -16, -109, -75, -19, -62, -22]);
  });
  it("errno_to_blk_status falls back to IOERR", () => {
    expect(errnoToBlkStatus(-EREMOTEIO)).toBe("TARGET");
    expect(errnoToBlkStatus(-9999)).toBe("IOERR");
    expect(blkStatusFromValue(5)).toBe("TARGET");
    expect(blkStatusFromValue(18)).toBeNull();
  });
});
