#include "connectors/rocksdb_state_store.hpp"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

namespace nexus::connectors {

struct RocksDbStateStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::string path;
};

RocksDbStateStore::RocksDbStateStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RocksDbStateStore::~RocksDbStateStore() = default;

Result<std::unique_ptr<RocksDbStateStore>> RocksDbStateStore::open(
    const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  rocksdb::Options options;
  options.create_if_missing = true;
  options.compression = rocksdb::kLZ4Compression;
  options.write_buffer_size = 64 << 20;
  rocksdb::BlockBasedTableOptions table;
  // Most reads are for windows that do not exist yet: a bloom filter answers them in memory.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // The same for keys still in the memtable: without it, every first read of a new
  // window walks the skip list.
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = 0.1;
  rocksdb::DB* db = nullptr;
  const auto status = rocksdb::DB::Open(options, dir.string(), &db);
  if (!status.ok()) {
    return make_error("state_io",
                      "cannot open state in " + dir.string() + ": " + status.ToString());
  }
  auto impl = std::make_unique<Impl>();
  impl->db.reset(db);
  impl->path = dir.string();
  return std::unique_ptr<RocksDbStateStore>(new RocksDbStateStore(std::move(impl)));
}

Result<std::optional<std::string>> RocksDbStateStore::get(std::string_view key) {
  std::string value;
  const auto status =
      impl_->db->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return make_error("state_io", "state read failed: " + status.ToString());
  return std::optional<std::string>(std::move(value));
}

Result<void> RocksDbStateStore::write(const engine::StateBatch& batch) {
  rocksdb::WriteBatch write_batch;
  for (const auto& [key, value] : batch.ops) {
    if (value) {
      write_batch.Put(key, *value);
    } else {
      write_batch.Delete(key);
    }
  }
  rocksdb::WriteOptions options;
  options.sync = true;
  const auto status = impl_->db->Write(options, &write_batch);
  if (!status.ok()) return make_error("state_io", "checkpoint write failed: " + status.ToString());
  return outcome::success();
}

Result<std::vector<std::pair<std::string, std::string>>> RocksDbStateStore::scan(
    std::string_view prefix) {
  std::vector<std::pair<std::string, std::string>> out;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Valid() && it->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Next()) {
    out.emplace_back(it->key().ToString(), it->value().ToString());
  }
  if (!it->status().ok()) return make_error("state_io", "scan failed: " + it->status().ToString());
  return out;
}

Result<void> RocksDbStateStore::scan_each(std::string_view prefix, const Visitor& visit) {
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  const rocksdb::Slice slice(prefix.data(), prefix.size());
  for (it->Seek(slice); it->Valid() && it->key().starts_with(slice); it->Next()) {
    NEXUS_TRY(visit(std::string_view(it->key().data(), it->key().size()),
                    std::string_view(it->value().data(), it->value().size())));
  }
  if (!it->status().ok()) return make_error("state_io", "scan failed: " + it->status().ToString());
  return outcome::success();
}

Result<bool> RocksDbStateStore::any_with_prefix(std::string_view prefix) {
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  const rocksdb::Slice slice(prefix.data(), prefix.size());
  it->Seek(slice);
  if (!it->status().ok()) return make_error("state_io", "seek failed: " + it->status().ToString());
  return it->Valid() && it->key().starts_with(slice);
}

uint64_t RocksDbStateStore::approximate_size() const {
  uint64_t size = 0;
  impl_->db->GetIntProperty("rocksdb.total-sst-files-size", &size);
  uint64_t memtable = 0;
  impl_->db->GetIntProperty("rocksdb.cur-size-all-mem-tables", &memtable);
  return size + memtable;
}

}  // namespace nexus::connectors
