-- CreateTable
CREATE TABLE "feed_memos" (
    "store_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "generation" BIGINT NOT NULL,
    "rows" INTEGER NOT NULL,
    "memo" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "feed_memos_pkey" PRIMARY KEY ("store_id")
);

-- AddForeignKey
ALTER TABLE "feed_memos" ADD CONSTRAINT "feed_memos_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A memo is mostly SHA-256 digests and content hashes, which do not compress: stored out of line as it is, without
-- PostgreSQL trying to compress it on every save.
ALTER TABLE "feed_memos" ALTER COLUMN "memo" SET STORAGE EXTERNAL;
