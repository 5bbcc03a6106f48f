/*
 * libarchive, loaded on first use. Linking it would make every svcmode
 * command pay for loading it and what it pulls in (libxml2, ICU, the
 * compression libraries): about 4 million instructions of dynamic linking,
 * more than the rest of a `svcmode get`. Only backup needs it, so backup
 * opens it with dlopen() when it runs.
 *
 * Include this header instead of <archive.h>: the libarchive calls below
 * then go through pointers that archive_lazy_load() fills. With
 * SVC_ARCHIVE_STATIC (the default build) libarchive is linked statically
 * with only the objects ZIP needs, and the calls are direct.
 */
#ifndef SVC_ARCHIVE_LAZY_H
#define SVC_ARCHIVE_LAZY_H

#include <archive.h>
#include <archive_entry.h>

#include "util/err.h"

#define ARCHIVE_LAZY_SONAME "libarchive.so.13"

#define ARCHIVE_LAZY_FUNCS(X)                                                                      \
	X(archive_entry_free)                                                                      \
	X(archive_entry_is_encrypted)                                                              \
	X(archive_entry_new)                                                                       \
	X(archive_entry_pathname)                                                                  \
	X(archive_entry_set_filetype)                                                              \
	X(archive_entry_set_mtime)                                                                 \
	X(archive_entry_set_pathname)                                                              \
	X(archive_entry_set_perm)                                                                  \
	X(archive_entry_set_size)                                                                  \
	X(archive_entry_size)                                                                      \
	X(archive_entry_size_is_set)                                                               \
	X(archive_error_string)                                                                    \
	X(archive_read_add_passphrase)                                                             \
	X(archive_read_data_block)                                                                 \
	X(archive_read_free)                                                                       \
	X(archive_read_new)                                                                        \
	X(archive_read_next_header)                                                                \
	X(archive_read_open1)                                                                      \
	X(archive_read_set_callback_data)                                                          \
	X(archive_read_set_read_callback)                                                          \
	X(archive_read_set_options)                                                                \
	X(archive_read_set_seek_callback)                                                          \
	X(archive_read_support_format_zip_seekable)                                                \
	X(archive_set_error)                                                                       \
	X(archive_write_close)                                                                     \
	X(archive_write_data)                                                                      \
	X(archive_write_finish_entry)                                                              \
	X(archive_write_free)                                                                      \
	X(archive_write_header)                                                                    \
	X(archive_write_new)                                                                       \
	X(archive_write_open)                                                                      \
	X(archive_write_set_bytes_in_last_block)                                                   \
	X(archive_write_set_format_zip)                                                            \
	X(archive_write_set_options)                                                               \
	X(archive_write_set_passphrase)                                                            \
	X(archive_write_zip_set_compression_store)

#ifndef SVC_ARCHIVE_STATIC
#define X(name) extern __typeof__(name) *lazy_##name;
ARCHIVE_LAZY_FUNCS(X)
#undef X
#endif

#ifdef SVC_ARCHIVE_STATIC
/* Linked statically (SVC_STATIC_ARCHIVE): nothing to load. */
static inline int
archive_lazy_load(struct svc_err *err)
{
	(void)err;
	return 0;
}
#else
/* Loads libarchive once; EX_UNAVAILABLE naming the Debian package if it is
 * missing. Safe to call again. */
int archive_lazy_load(struct svc_err *err);
#endif

#if !defined(ARCHIVE_LAZY_IMPL) && !defined(SVC_ARCHIVE_STATIC)
#define archive_entry_free (*lazy_archive_entry_free)
#define archive_entry_is_encrypted (*lazy_archive_entry_is_encrypted)
#define archive_entry_new (*lazy_archive_entry_new)
#define archive_entry_pathname (*lazy_archive_entry_pathname)
#define archive_entry_set_filetype (*lazy_archive_entry_set_filetype)
#define archive_entry_set_mtime (*lazy_archive_entry_set_mtime)
#define archive_entry_set_pathname (*lazy_archive_entry_set_pathname)
#define archive_entry_set_perm (*lazy_archive_entry_set_perm)
#define archive_entry_set_size (*lazy_archive_entry_set_size)
#define archive_entry_size (*lazy_archive_entry_size)
#define archive_entry_size_is_set (*lazy_archive_entry_size_is_set)
#define archive_error_string (*lazy_archive_error_string)
#define archive_read_add_passphrase (*lazy_archive_read_add_passphrase)
#define archive_read_data_block (*lazy_archive_read_data_block)
#define archive_read_free (*lazy_archive_read_free)
#define archive_read_new (*lazy_archive_read_new)
#define archive_read_next_header (*lazy_archive_read_next_header)
#define archive_read_open1 (*lazy_archive_read_open1)
#define archive_read_set_callback_data (*lazy_archive_read_set_callback_data)
#define archive_read_set_read_callback (*lazy_archive_read_set_read_callback)
#define archive_read_set_options (*lazy_archive_read_set_options)
#define archive_read_set_seek_callback (*lazy_archive_read_set_seek_callback)
#define archive_read_support_format_zip_seekable (*lazy_archive_read_support_format_zip_seekable)
#define archive_set_error (*lazy_archive_set_error)
#define archive_write_close (*lazy_archive_write_close)
#define archive_write_data (*lazy_archive_write_data)
#define archive_write_finish_entry (*lazy_archive_write_finish_entry)
#define archive_write_free (*lazy_archive_write_free)
#define archive_write_header (*lazy_archive_write_header)
#define archive_write_new (*lazy_archive_write_new)
#define archive_write_open (*lazy_archive_write_open)
#define archive_write_set_bytes_in_last_block (*lazy_archive_write_set_bytes_in_last_block)
#define archive_write_set_format_zip (*lazy_archive_write_set_format_zip)
#define archive_write_set_options (*lazy_archive_write_set_options)
#define archive_write_set_passphrase (*lazy_archive_write_set_passphrase)
#define archive_write_zip_set_compression_store (*lazy_archive_write_zip_set_compression_store)
#endif

#endif
